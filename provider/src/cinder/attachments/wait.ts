/**
 * Bounded waits on attachment and volume statuses. A wait ends when the status is one of the targets,
 * at once when it is a failure status (`error_attaching`, `error_detaching`, a volume's `error*`),
 * and with a {@link CinderWaitError} naming the last status Cinder reported when time runs out.
 */
import type { CinderClient } from "../client";
import { CinderWaitError, isCinderStatus } from "../errors";
import { again, growingPauses, repeat, settled } from "../repeat";
import { getVolume } from "../volumes/requests";
import type { Volume } from "../volumes/schemas";
import { getAttachment } from "./requests";
import type { Attachment } from "./schemas";

/** How long and how often to poll. */
export interface WaitOptions {
  /** Give up after this many milliseconds. */
  readonly timeoutMs: number;
  /** First pause between two polls (default 250 ms); it grows by half each time. */
  readonly intervalMs?: number;
  /** Longest pause between two polls (default 2 000 ms). */
  readonly maxIntervalMs?: number;
}

/** Attachment statuses from which no wait recovers. */
export const ATTACHMENT_FAILURE_STATUSES: readonly string[] = Object.freeze(["error_attaching", "error_detaching"]);

/** True for a volume status from which no wait recovers: `error`, `error_deleting`, `error_extending`, ... */
export function isVolumeFailureStatus(status: string): boolean {
  return status.startsWith("error");
}

/** True for an attachment status from which no wait recovers. */
export function isAttachmentFailureStatus(status: string): boolean {
  return ATTACHMENT_FAILURE_STATUSES.includes(status);
}

/**
 * Polls the attachment until its status is one of `targets`.
 * @throws CinderWaitError at once on `error_attaching`/`error_detaching` (unless a target), when the
 * attachment disappears, or after `timeoutMs`; the message carries Cinder's status.
 */
export async function waitForAttachmentStatus(
  client: CinderClient,
  id: string,
  targets: readonly string[],
  options: WaitOptions,
): Promise<Attachment> {
  return poll(options, `attachment ${id}`, targets, async () => {
    try {
      const attachment = await getAttachment(client, id);
      return { value: attachment, status: attachment.status, failed: isAttachmentFailureStatus(attachment.status) };
    } catch (err) {
      if (isCinderStatus(err, 404)) {
        throw new CinderWaitError(`attachment ${id} disappeared while waiting for ${targets.join("|")}`, "deleted");
      }
      throw err;
    }
  });
}

/**
 * Polls until the attachment is gone (404).
 * @throws CinderWaitError at once on `error_detaching`, or after `timeoutMs`.
 */
export async function waitForAttachmentGone(client: CinderClient, id: string, options: WaitOptions): Promise<void> {
  await poll(options, `attachment ${id}`, ["(gone)"], async () => {
    try {
      const attachment = await getAttachment(client, id);
      return { value: undefined, status: attachment.status, failed: attachment.status === "error_detaching" };
    } catch (err) {
      if (isCinderStatus(err, 404)) return { value: undefined, status: "(gone)", failed: false };
      throw err;
    }
  });
}

/**
 * Polls until the volume is gone (404): its delete is done.
 * @throws CinderWaitError at once on an `error*` status (`error_deleting`), or after `timeoutMs`.
 */
export async function waitForVolumeGone(client: CinderClient, id: string, options: WaitOptions): Promise<void> {
  await poll(options, `volume ${id}`, ["(gone)"], async () => {
    try {
      const volume = await getVolume(client, id);
      return { value: undefined, status: volume.status, failed: isVolumeFailureStatus(volume.status) };
    } catch (err) {
      if (isCinderStatus(err, 404)) return { value: undefined, status: "(gone)", failed: false };
      throw err;
    }
  });
}

/**
 * Polls the volume until its status is one of `targets` (or, with `leave`, until it is none of
 * `leave`'s statuses).
 * @throws CinderWaitError at once on an `error*` status (unless a target), or after `timeoutMs`.
 */
export async function waitForVolumeStatus(
  client: CinderClient,
  id: string,
  targets: readonly string[] | { readonly leave: readonly string[] },
  options: WaitOptions,
): Promise<Volume> {
  const leave = "leave" in targets ? targets.leave : undefined;
  const isTarget = (status: string) =>
    leave ? !leave.includes(status) : (targets as readonly string[]).includes(status);
  const description = leave ? `a status other than ${leave.join("|")}` : (targets as readonly string[]).join("|");
  return poll(options, `volume ${id}`, description, async () => {
    const volume = await getVolume(client, id);
    const reached = isTarget(volume.status);
    return {
      value: volume,
      status: volume.status,
      failed: !reached && isVolumeFailureStatus(volume.status),
      reached,
    };
  });
}

interface Observation<T> {
  readonly value: T;
  readonly status: string;
  readonly failed: boolean;
  /** Whether the target is reached; by default, whether the status is one of the targets. */
  readonly reached?: boolean;
}

async function poll<T>(
  options: WaitOptions,
  subject: string,
  targets: readonly string[] | string,
  observe: () => Promise<Observation<T>>,
): Promise<T> {
  const wanted = typeof targets === "string" ? targets : targets.join("|");
  const started = Date.now();
  return repeat(
    async () => {
      const seen = await observe();
      const reached = seen.reached ?? (typeof targets !== "string" && targets.includes(seen.status));
      if (reached) return settled(seen.value);
      if (seen.failed) {
        throw new CinderWaitError(
          `${subject} is ${seen.status} in Cinder while waiting for ${wanted}: Cinder gave up on it; ` +
            `see the cinder-volume log and \`cinder message-list\` for the cause`,
          seen.status,
        );
      }
      const elapsed = (Date.now() - started) / 1000;
      return again<T>(
        new CinderWaitError(
          `${subject} is still ${seen.status} in Cinder after ${elapsed.toFixed(1)} s of waiting for ${wanted}`,
          seen.status,
        ),
      );
    },
    {
      pauseMs: growingPauses(options.intervalMs ?? 250, 1.5, options.maxIntervalMs ?? 2_000),
      deadline: started + options.timeoutMs,
      atDeadline: "shorten",
    },
  );
}
