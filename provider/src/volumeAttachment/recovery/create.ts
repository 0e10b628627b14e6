/**
 * Creating an attachment when Cinder's answer may not come: finding out what happened and putting
 * things right, so that no attachment is left behind that the stack does not record, and no volume
 * is left `reserved` without an attachment.
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
 *   released (stranded.ts) where the caller may, or the error says exactly
 *   what an administrator has to run.
 * - A create refused because the volume is busy (a multiattach volume whose other attachment is still
 *   `attaching`, a volume still `creating` or `detaching`) waits until it is free and is sent again.
 */
import type { CinderClient } from "../../cinder/client";
import {
  type Attachment,
  type Connector,
  createAttachment,
  deleteAttachment,
  listAttachments,
  updateAttachment,
} from "../../cinder/attachments";
import { reserveRefusalStatus } from "../../cinder/attachments/refusals";
import { isAttachmentFailureStatus, waitForVolumeStatus } from "../../cinder/attachments/wait";
import { CinderWaitError, isAmbiguous, isCinderStatus, mayStillArrive } from "../../cinder/errors";
import { again, repeat, settled } from "../../cinder/repeat";
import { backoffMs, sleep, untilAnswered } from "../../cinder/retry";
import { getVolume } from "../../cinder/volumes/requests";
import type { Volume } from "../../cinder/volumes/schemas";
import type { ReliabilityOptions } from "../../config/reliability";
import { errorMessage } from "../../errors";
import { AmbiguousAttachmentError, AttachmentCreateFailedError, VolumeBusyError } from "../errors";
import type { VolumeAttachmentInputs } from "../shape";
import { releaseStrandedReservation } from "./stranded";

/** What a create needs to know. */
export interface CreateRequest {
  readonly volumeId: string;
  readonly inputs: VolumeAttachmentInputs;
  /** Whether another resource holds attachment `id` (claims.ts): such an attachment is never taken for this create's. */
  readonly isClaimed?: (id: string) => boolean;
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
          `creating the attachment of volume ${volumeId} failed ${lost} times (last: ${errorMessage(err)}); ` +
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
  return repeat(
    async () => {
      const all = await untilAnswered(() => listAttachments(client, { volumeId }), deadline, options.pollIntervalMs);
      const mine = all.filter(
        (a) =>
          IN_THE_MAKING.includes(a.status) &&
          !request.isClaimed?.(a.id) &&
          (a.instanceUuid ?? undefined) === (inputs.instanceUuid ?? undefined) &&
          modeFits(a, inputs),
      );
      if (mine.length > 1) {
        throw new AmbiguousAttachmentError(
          `volume ${volumeId} has ${mine.length} attachments in the making that match this create ` +
            `(${mine.map((a) => `${a.id} ${a.status}`).join(", ")}), and the provider will not guess which one it made. ` +
            `Adopt one with attachmentId and delete the others with \`cinder attachment-delete <id>\``,
        );
      }
      if (mine[0] || Date.now() >= settleUntil) return settled(mine[0]);
      return again<Attachment | undefined>(undefined);
    },
    { pauseMs: () => Math.min(options.pollIntervalMs * 2, Math.max(0, settleUntil - Date.now())) },
  );
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
      `creating the attachment of volume ${request.volumeId} got no answer (${errorMessage(cause)}), and Cinder left ` +
        `attachment ${found.id} in ${found.status}; ${removed}`,
    );
  }
  if (!inputs.connector || found.connectionInfo) {
    return { attachment: found, status: found.status };
  }
  // Reserved but not connected: the connection failed or is still being made. attachment-update with
  // the same connector is what the create itself would have done; Cinder serializes it per volume and host.
  try {
    return await connectAgain(client, found.id, inputs.connector, inputs, deadline, options);
  } catch (err) {
    const removed = await removeQuietly(client, found.id, deadline, options);
    throw new AttachmentCreateFailedError(
      `creating the attachment of volume ${request.volumeId} failed (${errorMessage(cause)}); Cinder had reserved ` +
        `attachment ${found.id} without connecting it, and connecting it failed too (${errorMessage(err)}); ${removed}`,
    );
  }
}

/**
 * Whether an attachment Cinder lists has the mode these inputs ask for, as far as either side says
 * one (Cinder shows no mode below 3.54; inputs without one take what the volume gives).
 */
export function modeFits(attachment: Attachment, inputs: VolumeAttachmentInputs): boolean {
  return inputs.mode === undefined || attachment.attachMode === undefined || attachment.attachMode === inputs.mode;
}

/**
 * Connects an attachment a create made (or left) with the create's connector (attachment-update),
 * what the create itself does; resent until Cinder answers or `deadline`.
 */
export async function connectAgain(
  client: CinderClient,
  id: string,
  connector: Connector,
  inputs: VolumeAttachmentInputs,
  deadline: number,
  options: ReliabilityOptions,
): Promise<CreateOutcome> {
  const connected = await untilAnswered(
    () => updateAttachment(client, id, connector, { mode: inputs.mode }),
    deadline,
    options.pollIntervalMs,
  );
  return { attachment: connected, status: "attaching" };
}

/** Deletes an attachment the create made; says what became of it. */
async function removeQuietly(
  client: CinderClient,
  id: string,
  deadline: number,
  options: ReliabilityOptions,
): Promise<string> {
  try {
    await untilAnswered(() => deleteAttachment(client, id), deadline, options.pollIntervalMs);
    return "it was deleted, and nothing is left behind";
  } catch (err) {
    if (isCinderStatus(err, 404)) return "it is gone";
    return `deleting it failed too (${errorMessage(err)}): delete it with \`cinder attachment-delete ${id}\``;
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
