/**
 * pulumi-cinder-attachment: OpenStack Cinder volume attachments (Attachments API, 3.27+) as Pulumi resources.
 */
export { VolumeAttachment, SECRET_OUTPUTS } from "./volumeAttachment";
export type { VolumeAttachmentArgs, ConnectorArgs } from "./volumeAttachment";
export { VolumeAttachmentProvider } from "../provider/src/volumeAttachment/provider";
export type {
  AttachMode,
  ConnectorInputs,
  VolumeAttachmentInputs,
  VolumeAttachmentOutputs,
} from "../provider/src/volumeAttachment/types";
