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
// Type-only: the schemas document the shapes; loading them (and zod) is the provider process's business.
export type { connectorSchema } from "../provider/src/cinder/attachments/connector";
export type {
  volumeAttachmentInputsSchema,
  volumeAttachmentOutputsSchema,
} from "../provider/src/volumeAttachment/shape";
