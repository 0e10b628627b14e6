/**
 * The `VolumeAttachment` resource users declare in their Pulumi programs (the dynamic-provider face).
 * Its argument and output types are mapped over the one definition of the resource's shape
 * (provider/src/volumeAttachment/shape.ts), whose doc comments document each property.
 */
import * as pulumi from "@pulumi/pulumi";
import type { ConnectorInput } from "../provider/src/cinder/attachments/connector";
import { PROVIDER_MODULE } from "../provider/src/dynamic/providerModule";
import { OUTPUT_KEYS, SECRET_OUTPUTS } from "../provider/src/volumeAttachment/outputKeys";
import type { VolumeAttachmentArgsShape, VolumeAttachmentOutputs } from "../provider/src/volumeAttachment/shape";
import type { Inputs, Outputs } from "./inputs";

/** Where the volume is to be connected; the cinder CLI's connector flags plus other transports' fields. */
export type ConnectorArgs = Inputs<ConnectorInput>;

/** The arguments of a {@link VolumeAttachment}. */
export type VolumeAttachmentArgs = Inputs<VolumeAttachmentArgsShape>;

export { SECRET_OUTPUTS };

/** The outputs of a {@link VolumeAttachment}, typed and documented by the resource's shape. */
// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging, @typescript-eslint/no-empty-object-type -- the outputs are declared by the shape, set by the engine
export interface VolumeAttachment extends Outputs<VolumeAttachmentOutputs> {}

/**
 * One Cinder volume attachment (attach/detach V2, volume API 3.27+).
 *
 * ```typescript
 * const attachment = new VolumeAttachment("data", {
 *     volumeId: "5f6d1e9c-4b7f-4c55-a6a3-0a9e8f3b8c21",
 *     instanceUuid: "83ec2e3b-4321-422b-8706-a84185f52a0a",
 *     connector: { initiator: "iqn.1993-08.org.debian:01:cad181614cec", ip: "192.0.2.10", host: "compute-1" },
 * });
 * export const iqn = attachment.connectionInfo.apply((info) => info?.target_iqn);
 * ```
 */
// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging -- see the interface above
export class VolumeAttachment extends pulumi.CustomResource {
  /** The type token, so policy packs can match it with `validateResourceOfType`. */
  static readonly __pulumiType = "pulumi-nodejs:dynamic/cinder:VolumeAttachment";

  /** True when `obj` is a VolumeAttachment (also across copies of this package). */
  static isInstance(obj: unknown): obj is VolumeAttachment {
    return (
      obj !== null &&
      typeof obj === "object" &&
      (obj as { __pulumiType?: unknown }).__pulumiType === VolumeAttachment.__pulumiType
    );
  }

  /**
   * Declares an attachment; nothing reaches Cinder before `pulumi up`, and bad inputs fail in `check`.
   * @param name The resource's name, unique within the stack.
   * @param args The volume, the instance, the connector and how to attach.
   * @param opts Resource options; `credentials` is always added to `additionalSecretOutputs`.
   */
  constructor(name: string, args: VolumeAttachmentArgs, opts?: pulumi.CustomResourceOptions) {
    // Every output key must be among the props for the engine to set it on the resource.
    const outputKeys = Object.fromEntries(OUTPUT_KEYS.map((key) => [key, undefined]));
    // A dynamic resource as `pulumi.dynamic.Resource` makes one (its type token, the provider module
    // in `__provider`), without serializing a provider object at program time: see providerModule.ts.
    super(
      VolumeAttachment.__pulumiType,
      name,
      { ...outputKeys, ...args, __provider: PROVIDER_MODULE },
      { ...opts, additionalSecretOutputs: [...(opts?.additionalSecretOutputs ?? []), ...SECRET_OUTPUTS] },
    );
  }
}
