/**
 * Cleanups of everything the bench makes (volumes, attachments, stacks), run in reverse order of
 * registration at the end of the run, after a failure, and on SIGINT/SIGTERM/SIGHUP.
 */

type Cleanup = () => Promise<void>;

const pending: { name: string; run: Cleanup }[] = [];
let running: Promise<string[]> | undefined;

/** Registers a cleanup; the returned function runs it now (once) and unregisters it. */
export function registerCleanup(name: string, run: Cleanup): () => Promise<void> {
  const entry = { name, run };
  pending.push(entry);
  return async () => {
    const index = pending.indexOf(entry);
    if (index < 0) return;
    pending.splice(index, 1);
    await run();
  };
}

/** Runs every registered cleanup (newest first); resolves the failures as messages. */
export function runCleanups(): Promise<string[]> {
  running ??= (async () => {
    const failures: string[] = [];
    while (pending.length > 0) {
      const entry = pending.pop() as { name: string; run: Cleanup };
      try {
        await entry.run();
      } catch (err) {
        failures.push(`${entry.name}: ${err instanceof Error ? err.message : String(err)}`);
      }
    }
    return failures;
  })();
  return running;
}
