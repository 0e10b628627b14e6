/**
 * The provider's runtime entry point (`pulumi-cinder-attachment/runtime`), loaded by package name
 * inside the provider process: by the provider module of every VolumeAttachment (providerModule.ts),
 * which makes its {@link VolumeAttachmentProvider} here, and by that provider's methods, which take
 * the other two (so does the serialized provider that earlier SDKs wrote into states).
 */
export { VolumeAttachmentProvider } from "./provider";
export { AttachmentOperations } from "../volumeAttachment/operations";
export { handOver } from "./handOver";
