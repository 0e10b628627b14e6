/**
 * pulumi-cinder-attachment: OpenStack Cinder volume attachments (Attachments API, 3.27+) as Pulumi resources.
 */
export { VolumeAttachment, SECRET_OUTPUTS } from "./volumeAttachment";
export type { VolumeAttachmentArgs, ConnectorArgs } from "./volumeAttachment";
export type { Inputs, InputsOf, Outputs } from "./inputs";
export { VolumeAttachmentProvider } from "../provider/src/dynamic/provider";
export type {
  AttachMode,
  ConnectorInputs,
  VolumeAttachmentArgsShape,
  VolumeAttachmentInputs,
  VolumeAttachmentOutputs,
} from "../provider/src/volumeAttachment/shape";
export type { ConnectorInput } from "../provider/src/cinder/attachments/connector";
export { connectorSchema } from "../provider/src/cinder/attachments/connector";
export { volumeAttachmentInputsSchema, volumeAttachmentOutputsSchema } from "../provider/src/volumeAttachment/shape";
