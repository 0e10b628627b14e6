/**
 * Finding out what happened when Cinder's answer did not come, and putting things right: no
 * attachment is left behind that the stack does not record, and no volume is left `reserved`
 * without an attachment.
 *
 * - A create (POST) is never resent blindly. When its outcome is unknown (no answer, a reset, a
 *   timeout, a 5xx), the attachments of the volume are listed. Cinder reserves a volume only when no
 *   other attachment of it is in the making (the volume must be `available`, or `in-use` for
 *   multiattach), and nobody completes ours but us: so an attachment still `reserved` or `attaching`
 *   for this instance (or none) and mode is the one the create made. It is adopted and finished
 *   (connected with the same connector) or, when that fails, deleted. Only when Cinder provably made
 *   nothing is the create sent again.
 *   One case stays ambiguous: several creates on one multiattach volume at once, without
 *   `instanceUuid`, one of which loses its answer while another's attachment is not yet complete.
 * - A volume that is `reserved` while no attachment holds it (Cinder reserved it, then failed) is
 *   reset with the admin action `os-reset_status` where the caller may, or the error says exactly
 *   what an administrator has to run.
 * - A create refused because the volume is busy (a multiattach volume whose other attachment is still
 *   `attaching`, a volume still `creating` or `detaching`) waits until it is free and is sent again.
 */
import type { CinderClient } from "../cinder/client";
import {
  CinderApiError,
  CinderConnectionError,
  CinderError,
  CinderResponseShapeError,
  CinderWaitError,
  isCinderStatus,
} from "../cinder/errors";
import { ATTACHMENTS_API } from "../cinder/microversion";
import { backoffMs, sleep } from "../cinder/retry";
import {
  type Attachment,
  completeAttachment,
  createAttachment,
  deleteAttachment,
  getAttachment,
  listAttachments,
  updateAttachment,
} from "../cinder/attachments";
import { isAttachmentFailureStatus, waitForVolumeStatus } from "../cinder/attachments/wait";
import { getVolume } from "../cinder/volumes/requests";
import type { Volume } from "../cinder/volumes/schemas";
import type { VolumeAttachmentInputs } from "./types";

/** Settings of waits and recovery, as optional fields of the provider's settings. */
export interface ReliabilitySettings {
  /** Longest wait for a status, and for Cinder to answer again during recovery (ms; default 300 000). */
  readonly waitTimeoutMs?: number;
  /** After a create that timed out, how long to keep looking for an attachment arriving late (ms; default 3 000). */
  readonly createSettleMs?: number;
  /** Sends of one create in all, when the earlier ones provably made nothing (default 3). */
  readonly createAttempts?: number;
  /** First pause between two polls (ms; default 250). */
  readonly pollIntervalMs?: number;
}

/** {@link ReliabilitySettings} with every default filled. */
export type ReliabilityOptions = Required<ReliabilitySettings>;

/** The defaults of {@link ReliabilitySettings}. */
export const DEFAULT_RELIABILITY: ReliabilityOptions = Object.freeze({
  waitTimeoutMs: 300_000,
  createSettleMs: 3_000,
  createAttempts: 3,
  pollIntervalMs: 250,
});

/** Fills defaults; a value that is not a positive number is refused with its name. */
export function reliabilityOptions(settings: ReliabilitySettings = {}): ReliabilityOptions {
  const options = { ...DEFAULT_RELIABILITY };
  for (const key of Object.keys(DEFAULT_RELIABILITY) as (keyof ReliabilityOptions)[]) {
    const value = settings[key];
    if (value === undefined) continue;
    if (!Number.isFinite(value) || value < 0 || (key === "createAttempts" && (value < 1 || !Number.isInteger(value)))) {
      throw new RangeError(`${key} must be a positive number, got ${value}`);
    }
    options[key] = value;
  }
  return Object.freeze(options);
}

/** A create failed; what Cinder made on the way was removed again (or never existed). */
export class AttachmentCreateFailedError extends CinderError {}

/** The volume cannot take a new attachment now, and waiting will not change that. */
export class VolumeBusyError extends CinderError {
  constructor(
    message: string,
    readonly volumeId: string,
    /** The volume's status when the create was refused. */
    readonly volumeStatus: string,
  ) {
    super(message);
  }
}

/** The volume is `reserved` with no attachment holding it, and this caller may not reset it. */
export class StrandedVolumeError extends CinderError {
  constructor(
    readonly volumeId: string,
    readonly volumeStatus: string,
    /** The exact command an administrator runs to release it. */
    readonly command: string,
    cause: string,
  ) {
    super(
      `volume ${volumeId} is ${volumeStatus} but no attachment holds it (Cinder reserved it, then failed), and ` +
        `resetting it was refused (${cause}). An administrator can release it with: ${command} ` +
        `; then run the update again`,
    );
  }
}

/** Several new attachments match one create: the provider will not guess which one is its own. */
export class AmbiguousAttachmentError extends CinderError {}

/**
 * True when a failure leaves open what Cinder did: no answer, a 5xx, or a success whose body cannot
 * be read (Cinder acted, but its answer does not say what it made).
 */
export function isAmbiguous(err: unknown): boolean {
  return (
    err instanceof CinderConnectionError ||
    err instanceof CinderResponseShapeError ||
    (err instanceof CinderApiError && err.status >= 500)
  );
}

/** True when the request timed out: it may still reach Cinder, or still run there. */
export function mayStillArrive(err: unknown): boolean {
  return err instanceof CinderConnectionError && ["ECONNABORTED", "ETIMEDOUT"].includes(err.code);
}

/**
 * The volume status named by Cinder's refusal to reserve (400 "Volume ... status must be available
 * or in-use or downloading to reserve, but the current status is attaching."); undefined for any
 * other answer.
 */
export function reserveRefusalStatus(err: unknown): string | undefined {
  if (!isCinderStatus(err, 400)) return undefined;
  const match = /status must be .* to reserve, but the current status is ([a-z_-]+)/i.exec(err.faultMessage ?? "");
  return match?.[1];
}

/** What a create needs to know. */
export interface CreateRequest {
  readonly volumeId: string;
  readonly inputs: VolumeAttachmentInputs;
}

/** What a create ended with. */
export interface CreateOutcome {
  readonly attachment: Attachment;
  /**
   * The attachment's status now. Cinder builds the answer to a connecting create or update before it
   * connects, so that answer says `reserved` where the attachment is `attaching`.
   */
  readonly status: string;
}

/**
 * Creates the attachment, finding out what happened whenever Cinder's answer is missing or a 5xx.
 * @throws AttachmentCreateFailedError when Cinder failed and nothing is left behind;
 * VolumeBusyError, StrandedVolumeError, AmbiguousAttachmentError with what to do.
 */
export async function createWithRecovery(
  client: CinderClient,
  request: CreateRequest,
  options: ReliabilityOptions,
): Promise<CreateOutcome> {
  const { inputs, volumeId } = request;
  const deadline = Date.now() + options.waitTimeoutMs;
  let unanswered: unknown;
  let lost = 0;
  const cleaned: string[] = [];
  for (;;) {
    try {
      const attachment = await createAttachment(client, {
        volumeId,
        instanceUuid: inputs.instanceUuid,
        connector: inputs.connector,
        mode: inputs.mode,
      });
      return { attachment, status: inputs.connector ? "attaching" : attachment.status };
    } catch (err) {
      const refused = reserveRefusalStatus(err);
      if (refused !== undefined && Date.now() < deadline) {
        // An earlier send that got no answer may have reserved the volume after all.
        const found = unanswered === undefined ? undefined : await findOwn(client, request, 0, deadline, options);
        if (found) return finish(client, request, found, unanswered, options);
        await waitUntilReservable(client, volumeId, refused, deadline, options);
        continue;
      }
      if (!isAmbiguous(err)) throw err;
      unanswered = err;
      lost += 1;
      const settle = mayStillArrive(err) ? options.createSettleMs : 0;
      const found = await findOwn(client, request, settle, deadline, options);
      if (found) return finish(client, request, found, err, options);
      // Cinder made nothing (or nothing is left of it): sending the create again is no longer blind.
      const released = await releaseStrandedReservation(client, volumeId, deadline, options);
      if (released) cleaned.push(`volume ${volumeId} was left ${released} without an attachment and was reset`);
      if (lost >= options.createAttempts) {
        throw new AttachmentCreateFailedError(
          `creating the attachment of volume ${volumeId} failed ${lost} times (last: ${message(err)}); ` +
            `Cinder made no attachment${cleaned.map((note) => `; ${note}`).join("")}. ` +
            `Nothing was left behind: run the update again once Cinder works`,
        );
      }
      await sleep(backoffMs(client.retry, lost));
    }
  }
}

/** Statuses of an attachment that a create made and nobody completed. */
const IN_THE_MAKING = ["reserved", "attaching", "error_attaching"];

/**
 * The attachment a create made although its answer was lost: one not completed, for the same
 * instance (or none) and mode. Looks again for `settleMs` when nothing is there yet.
 */
async function findOwn(
  client: CinderClient,
  request: CreateRequest,
  settleMs: number,
  deadline: number,
  options: ReliabilityOptions,
): Promise<Attachment | undefined> {
  const { inputs, volumeId } = request;
  const settleUntil = Date.now() + settleMs;
  for (;;) {
    const all = await untilAnswered(() => listAttachments(client, { volumeId }), deadline, options);
    const mine = all.filter(
      (a) =>
        IN_THE_MAKING.includes(a.status) &&
        (a.instanceUuid ?? undefined) === (inputs.instanceUuid ?? undefined) &&
        (inputs.mode === undefined || a.attachMode === undefined || a.attachMode === inputs.mode),
    );
    if (mine.length > 1) {
      throw new AmbiguousAttachmentError(
        `volume ${volumeId} has ${mine.length} attachments in the making that match this create ` +
          `(${mine.map((a) => `${a.id} ${a.status}`).join(", ")}), and the provider will not guess which one it made. ` +
          `Adopt one with attachmentId and delete the others with \`cinder attachment-delete <id>\``,
      );
    }
    if (mine[0] || Date.now() >= settleUntil) return mine[0];
    await sleep(Math.min(options.pollIntervalMs * 2, Math.max(0, settleUntil - Date.now())));
  }
}

/** Adopts an attachment found after a lost answer: connects it where the connection is missing, or removes it. */
async function finish(
  client: CinderClient,
  request: CreateRequest,
  found: Attachment,
  cause: unknown,
  options: ReliabilityOptions,
): Promise<CreateOutcome> {
  const { inputs } = request;
  const deadline = Date.now() + options.waitTimeoutMs;
  if (isAttachmentFailureStatus(found.status)) {
    const removed = await removeQuietly(client, found.id, deadline, options);
    throw new AttachmentCreateFailedError(
      `creating the attachment of volume ${request.volumeId} got no answer (${message(cause)}), and Cinder left ` +
        `attachment ${found.id} in ${found.status}; ${removed}`,
    );
  }
  if (!inputs.connector || found.connectionInfo) {
    return { attachment: found, status: found.status };
  }
  // Reserved but not connected: the connection failed or is still being made. attachment-update with
  // the same connector is what the create itself would have done; Cinder serializes it per volume and host.
  try {
    const connector = inputs.mode ? { ...inputs.connector, mode: inputs.mode } : inputs.connector;
    const connected = await untilAnswered(() => updateAttachment(client, found.id, connector), deadline, options);
    return { attachment: connected, status: "attaching" };
  } catch (err) {
    const removed = await removeQuietly(client, found.id, deadline, options);
    throw new AttachmentCreateFailedError(
      `creating the attachment of volume ${request.volumeId} failed (${message(cause)}); Cinder had reserved ` +
        `attachment ${found.id} without connecting it, and connecting it failed too (${message(err)}); ${removed}`,
    );
  }
}

/** Deletes an attachment the create made; says what became of it. */
async function removeQuietly(
  client: CinderClient,
  id: string,
  deadline: number,
  options: ReliabilityOptions,
): Promise<string> {
  try {
    await untilAnswered(() => deleteAttachment(client, id), deadline, options);
    return "it was deleted, and nothing is left behind";
  } catch (err) {
    if (isCinderStatus(err, 404)) return "it is gone";
    return `deleting it failed too (${message(err)}): delete it with \`cinder attachment-delete ${id}\``;
  }
}

/**
 * Volume statuses a refused create waits out: on any volume while it is still being created or
 * detached; on a multiattach volume also while another attachment is being made.
 */
function isWaitable(volume: Volume, status: string): boolean {
  return (
    ["creating", "detaching"].includes(status) || (volume.multiattach && ["reserved", "attaching"].includes(status))
  );
}

const BUSY_STATUSES = ["creating", "reserved", "attaching", "detaching"];

/**
 * After Cinder refused to reserve the volume: returns once a new create may succeed (the volume left
 * its busy status, or was released); throws when waiting cannot help or time ran out.
 */
async function waitUntilReservable(
  client: CinderClient,
  volumeId: string,
  refused: string,
  deadline: number,
  options: ReliabilityOptions,
): Promise<void> {
  const volume = await getVolume(client, volumeId);
  if (!BUSY_STATUSES.includes(volume.status) && volume.status !== refused) return;
  if (await releaseStrandedReservation(client, volumeId, deadline, options)) return;
  if (!isWaitable(volume, volume.status)) {
    throw new VolumeBusyError(
      `volume ${volumeId} is ${volume.status}${volume.multiattach ? "" : " and not multiattach"}: ` +
        `${await holders(client, volumeId)}. Detach it first, or adopt the attachment with attachmentId`,
      volumeId,
      volume.status,
    );
  }
  try {
    await waitForVolumeStatus(
      client,
      volumeId,
      { leave: BUSY_STATUSES },
      { timeoutMs: Math.max(0, deadline - Date.now()), intervalMs: options.pollIntervalMs },
    );
  } catch (err) {
    if (err instanceof CinderWaitError) {
      throw new VolumeBusyError(
        `${err.message}; ${await holders(client, volumeId)}`,
        volumeId,
        err.lastStatus ?? volume.status,
      );
    }
    throw err;
  }
}

async function holders(client: CinderClient, volumeId: string): Promise<string> {
  const attachments = await listAttachments(client, { volumeId });
  if (attachments.length === 0) return "it has no attachment";
  return `its attachments: ${attachments
    .map((a) => `${a.id} (${a.status}${a.instanceUuid ? `, instance ${a.instanceUuid}` : ""})`)
    .join(", ")}`;
}

/**
 * Resets a volume that is `reserved` (or `attaching`) while none of its attachments is, to
 * `available` (or `in-use` when others are attached). Looks twice, half a second apart, so as not to
 * step into Cinder's own reserve. Resolves the status it released, or undefined when there was none.
 * @throws StrandedVolumeError with the command an administrator runs, when the reset is refused.
 */
export async function releaseStrandedReservation(
  client: CinderClient,
  volumeId: string,
  deadline: number,
  options: ReliabilityOptions,
): Promise<string | undefined> {
  const stranded = async () => {
    const volume = await untilAnswered(() => getVolume(client, volumeId), deadline, options);
    if (volume.status !== "reserved" && volume.status !== "attaching") return undefined;
    const attachments = await listAttachments(client, { volumeId });
    if (attachments.some((a) => ["reserved", "attaching", "detaching"].includes(a.status))) return undefined;
    return { status: volume.status, attached: attachments.some((a) => a.status === "attached") };
  };
  if (!(await stranded())) return undefined;
  await sleep(500);
  const state = await stranded();
  if (!state) return undefined;
  const target = state.attached ? { status: "in-use" } : { status: "available", attach_status: "detached" };
  try {
    await client.send({
      operation: "reset volume status",
      method: "POST",
      path: `volumes/${encodeURIComponent(volumeId)}/action`,
      microversion: ATTACHMENTS_API,
      okStatuses: [202],
      body: { "os-reset_status": target },
    });
  } catch (err) {
    const command = state.attached
      ? `cinder reset-state --state in-use ${volumeId}`
      : `cinder reset-state --state available --attach-status detached ${volumeId}`;
    throw new StrandedVolumeError(volumeId, state.status, command, message(err));
  }
  return state.status;
}

/**
 * Completes the attachment. When the answer is lost, looks whether it is `attached` now, and sends
 * os-complete again only when it is not (os-complete only sets a status: sending it again does
 * nothing twice), within the client's retry policy.
 */
export async function completeVerified(client: CinderClient, id: string, options: ReliabilityOptions): Promise<void> {
  try {
    await completeAttachment(client, id);
  } catch (err) {
    if (!isAmbiguous(err)) throw err;
    const deadline = Date.now() + options.waitTimeoutMs;
    const attachment = await untilAnswered(() => getAttachment(client, id), deadline, options);
    if (attachment.status === "attached") return;
    if (isAttachmentFailureStatus(attachment.status)) {
      throw new CinderWaitError(
        `completing attachment ${id} got no answer (${message(err)}) and Cinder shows it ${attachment.status}`,
        attachment.status,
      );
    }
    for (let attempt = 2; ; attempt += 1) {
      try {
        await completeAttachment(client, id);
        return;
      } catch (again) {
        if (!isUnanswered(again) && !isCinderStatus(again, 500)) throw again;
        if (attempt >= client.retry.maxAttempts) throw again;
        await sleep(backoffMs(client.retry, attempt));
      }
    }
  }
}

/** True when Cinder did not answer at all, or a gateway answered for it (429, 502, 503, 504). */
function isUnanswered(err: unknown): boolean {
  return err instanceof CinderConnectionError || isCinderStatus(err, 429, 502, 503, 504);
}

/**
 * Runs `call`, a request that is safe to repeat, until Cinder answers it, pausing between tries,
 * until `deadline`: recovery has to outlast a restart of cinder-api. Any answer, errors included,
 * ends it.
 */
async function untilAnswered<T>(call: () => Promise<T>, deadline: number, options: ReliabilityOptions): Promise<T> {
  let pause = options.pollIntervalMs;
  for (;;) {
    try {
      return await call();
    } catch (err) {
      if (!isUnanswered(err) || Date.now() + pause > deadline) throw err;
      await sleep(pause);
      pause = Math.min(pause * 2, 2_000);
    }
  }
}

function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
