/**
 * The orphan of an interrupted create. When the process that deployed a stack dies after Cinder made
 * an attachment but before the engine recorded it (a cancelled CI job, a lost runner, OOM), the state
 * keeps only a pending create, and the next `up` creates the resource again. Cinder lets one instance
 * hold several attachments of one volume (that is how Nova live-migrates), so a plain create would
 * make a second attachment and leave the first attached for good.
 *
 * So before a create for an instance, the volume's attachments are listed, and one left in the making
 * by a create of the same inputs is adopted instead: same instance and mode, of the same kind (a
 * reservation for a reservation; connected, `attaching`, for a create with a connector: what the
 * interrupted create had made by the time Cinder answered it), and held by no resource this provider
 * process has seen (claims.ts). A completed (`attached`) attachment is never adopted: nothing of ours
 * leaves one unrecorded, and it may be Nova's. More than one such attachment is refused, naming them.
 * Without an instance nothing is listed: an attachment in the making without one cannot be told from
 * another host's.
 */
import { type Attachment, listAttachments } from "../../cinder/attachments";
import type { CinderClient } from "../../cinder/client";
import { untilAnswered } from "../../cinder/retry";
import type { ReliabilityOptions } from "../../config/reliability";
import { AmbiguousAttachmentError } from "../errors";
import type { VolumeAttachmentInputs } from "../shape";
import { type CreateOutcome, connectAgain, modeFits } from "./create";

/**
 * The attachments of a volume that an interrupted create with these inputs may have left: for its
 * instance, in its mode, of its kind, and not `claimed` by another resource. None without an instance.
 */
export function orphanCandidates(
  attachments: readonly Attachment[],
  inputs: VolumeAttachmentInputs,
  isClaimed: (id: string) => boolean,
): Attachment[] {
  if (!inputs.instanceUuid) return [];
  return attachments.filter(
    (a) =>
      a.instanceUuid === inputs.instanceUuid &&
      !isClaimed(a.id) &&
      modeFits(a, inputs) &&
      (inputs.connector
        ? a.status === "attaching" && a.connectionInfo !== undefined
        : a.status === "reserved" && a.connectionInfo === undefined),
  );
}

/**
 * Lists the volume's attachments and returns the orphan an interrupted create of these inputs left,
 * if there is one. Only for a create with an instance (otherwise nothing is sent).
 * @throws AmbiguousAttachmentError when more than one attachment could be it.
 */
export async function findOrphan(
  client: CinderClient,
  volumeId: string,
  inputs: VolumeAttachmentInputs,
  isClaimed: (id: string) => boolean,
  options: ReliabilityOptions,
): Promise<Attachment | undefined> {
  if (!inputs.instanceUuid) return undefined;
  const deadline = Date.now() + options.waitTimeoutMs;
  const all = await untilAnswered(() => listAttachments(client, { volumeId }), deadline, options.pollIntervalMs);
  const found = orphanCandidates(all, inputs, isClaimed);
  if (found.length > 1) {
    throw new AmbiguousAttachmentError(
      `volume ${volumeId} has ${found.length} attachments for instance ${inputs.instanceUuid} that an interrupted ` +
        `create of this resource may have left (${found.map((a) => `${a.id} ${a.status}`).join(", ")}), and the ` +
        `provider will not guess which one is its own. Adopt one with attachmentId and delete the others with ` +
        "`cinder attachment-delete <id>`, or delete them all to have a new one made",
    );
  }
  return found[0];
}

/**
 * Takes the orphan over: a connected one is given this create's connector again (attachment-update,
 * as the in-place update sends it), so that the connection is the one these inputs ask for even if the
 * program changed since the interrupted run. Completing it is left to the caller.
 */
export async function adoptOrphan(
  client: CinderClient,
  orphan: Attachment,
  inputs: VolumeAttachmentInputs,
  options: ReliabilityOptions,
): Promise<CreateOutcome> {
  const { connector } = inputs;
  if (!connector) return { attachment: orphan, status: orphan.status };
  return connectAgain(client, orphan.id, connector, inputs, Date.now() + options.waitTimeoutMs, options);
}
