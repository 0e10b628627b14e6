/**
 * The provider's runtime entry point (`pulumi-cinder-attachment/runtime`), loaded by package name
 * inside the provider process by {@link VolumeAttachmentProvider}.
 */
export { AttachmentOperations } from "../volumeAttachment/operations";
export { handOver } from "./handOver";
