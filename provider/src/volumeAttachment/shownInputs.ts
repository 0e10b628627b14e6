/**
 * The inputs an attachment shows of itself, for `pulumi import` and the lookup functions. Cinder
 * returns the volume, the instance and the attach mode, never the connector it was given.
 */
import type { Attachment } from "../cinder/attachments/schemas";
import type { VolumeAttachmentInputs } from "./shape";

/**
 * The inputs Cinder shows of `attachment`: volume, instance, and the mode when it is `ro` (`rw` is
 * the default, so a program that leaves the mode out declares the same attachment). No connector and
 * `complete` false: a program that declares the connector updates the attachment once, in place.
 */
export function inputsShownBy(attachment: Attachment): VolumeAttachmentInputs {
  const inputs: VolumeAttachmentInputs = { volumeId: attachment.volumeId, complete: false };
  if (attachment.instanceUuid) inputs.instanceUuid = attachment.instanceUuid;
  if (attachment.attachMode === "ro") inputs.mode = "ro";
  return inputs;
}
