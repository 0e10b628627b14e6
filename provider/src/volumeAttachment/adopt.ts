/** Adopting an existing attachment (`attachmentId`): it must match the resource's other inputs. */
import type { CinderClient } from "../cinder/client";
import { type Attachment, getAttachment, updateAttachment } from "../cinder/attachments";
import { isAttachmentFailureStatus } from "../cinder/attachments/wait";
import { isCinderStatus } from "../cinder/errors";
import { AdoptionMismatchError } from "./errors";
import { toOutputs } from "./outputs";
import type { VolumeAttachmentInputs, VolumeAttachmentOutputs } from "./shape";

/** A volume as the user named it, resolved. */
export interface VolumeRef {
  readonly id: string;
  readonly name?: string;
}

/**
 * Reads attachment `id` and checks it against the inputs; connects it when the inputs give a
 * connector and it has none. Completing it is left to the caller.
 * @throws AdoptionMismatchError saying which input to fix.
 */
export async function adoptAttachment(
  client: CinderClient,
  inputs: VolumeAttachmentInputs,
  id: string,
  volume: VolumeRef,
): Promise<VolumeAttachmentOutputs> {
  let attachment: Attachment;
  try {
    attachment = await getAttachment(client, id);
  } catch (err) {
    if (isCinderStatus(err, 404)) {
      throw new AdoptionMismatchError(
        `attachmentId ${id}: no such attachment to adopt; check the id with cinder attachment-list`,
      );
    }
    throw err;
  }
  if (attachment.volumeId !== volume.id) {
    throw new AdoptionMismatchError(
      `attachmentId ${id} attaches volume ${attachment.volumeId}, not volumeId ${volume.id}: fix volumeId or attachmentId`,
    );
  }
  if (inputs.instanceUuid && attachment.instanceUuid !== inputs.instanceUuid) {
    throw new AdoptionMismatchError(
      `attachmentId ${id} is for instance ${attachment.instanceUuid ?? "(none)"}, not instanceUuid ${inputs.instanceUuid}: fix instanceUuid or leave it out`,
    );
  }
  if (isAttachmentFailureStatus(attachment.status)) {
    throw new AdoptionMismatchError(
      `attachmentId ${id} is ${attachment.status} in Cinder and cannot be adopted: delete it with ` +
        `\`cinder attachment-delete ${id}\` and leave attachmentId out to make a new one`,
    );
  }
  if (inputs.connector && !attachment.connectionInfo) {
    return toOutputs(inputs, await updateAttachment(client, id, inputs.connector), {
      volumeName: volume.name,
      status: "attaching",
    });
  }
  return toOutputs(inputs, attachment, { volumeName: volume.name });
}
