/**
 * The attachments a provider process knows to be held by a resource, and one create at a time per
 * volume and instance: what keeps the adoption of an interrupted create's orphan (recovery/orphan.ts)
 * from taking an attachment that another resource of the same run holds or is making.
 */

/** Attachment IDs held by resources this process has created, adopted, read, diffed, updated or deleted. */
export class AttachmentClaims {
  private readonly held = new Set<string>();
  private readonly queues = new Map<string, Promise<unknown>>();

  /** Records that a resource holds attachment `id`. */
  claim(id: string | undefined): void {
    if (id) this.held.add(id);
  }

  /** Whether a resource this process has seen holds attachment `id`. */
  isClaimed(id: string): boolean {
    return this.held.has(id);
  }

  /**
   * Runs `work` once every earlier call with the same key has ended: creates for one volume and
   * instance run one after the other, so that each sees what the one before it made as claimed.
   */
  async exclusive<T>(key: string, work: () => Promise<T>): Promise<T> {
    const before = this.queues.get(key) ?? Promise.resolve();
    const run = before.then(work, work);
    const settledRun = run.catch(() => undefined);
    this.queues.set(key, settledRun);
    try {
      return await run;
    } finally {
      if (this.queues.get(key) === settledRun) this.queues.delete(key);
    }
  }
}

/** The claims of this process: every operations object of one provider process shares them. */
export const processClaims = new AttachmentClaims();
