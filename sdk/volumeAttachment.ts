/**
 * The `VolumeAttachment` resource users declare in their Pulumi programs.
 */
import * as pulumi from "@pulumi/pulumi";
import { VolumeAttachmentProvider } from "../provider/src/volumeAttachment/provider";
import type { AttachMode } from "../provider/src/volumeAttachment/types";

/** Where the volume is to be connected; the cinder CLI's connector flags plus other transports' fields. */
export interface ConnectorArgs {
  /** iSCSI initiator IQN (`--initiator`), e.g. `iqn.1993-08.org.debian:01:cad181614cec`. */
  initiator?: pulumi.Input<string>;
  /** The host's IP address (`--ip`). */
  ip?: pulumi.Input<string>;
  /** The host's name (`--host`). */
  host?: pulumi.Input<string>;
  /** CPU platform (`--platform`); default `x86_64`. */
  platform?: pulumi.Input<string>;
  /** OS type (`--ostype`); default `linux2`. */
  osType?: pulumi.Input<string>;
  /** Multipath (`--multipath`); default false. */
  multipath?: pulumi.Input<boolean>;
  /** Device path on the host (`--mountpoint`), e.g. `/dev/vdb`. */
  mountpoint?: pulumi.Input<string>;
  /** Fibre Channel port WWNs (16 hex digits each). */
  wwpns?: pulumi.Input<pulumi.Input<string>[]>;
  /** Fibre Channel node WWNs. */
  wwnns?: pulumi.Input<pulumi.Input<string>[]>;
  /** NVMe-oF host NQN. */
  nqn?: pulumi.Input<string>;
  /** Driver-specific connector fields, sent as given. */
  extra?: pulumi.Input<Record<string, pulumi.Input<string | number | boolean>>>;
}

/** The arguments of a {@link VolumeAttachment}. */
export interface VolumeAttachmentArgs {
  /** The volume: its ID, or a name exactly one volume has. A change replaces the attachment. */
  volumeId: pulumi.Input<string>;
  /** The instance the volume is for; needed to reserve without a connector. A change replaces. */
  instanceUuid?: pulumi.Input<string>;
  /**
   * Where to connect. Without it the attachment only reserves the volume (status `reserved`);
   * adding or changing it later updates the same attachment in place.
   */
  connector?: pulumi.Input<ConnectorArgs>;
  /** `rw` or `ro`; needs microversion 3.54. A change replaces the attachment. */
  mode?: pulumi.Input<AttachMode>;
  /** Mark the attachment complete (os-complete, 3.44) after connecting. Default: true with a connector. */
  complete?: pulumi.Input<boolean>;
  /**
   * Adopt this existing attachment instead of creating one (`pulumi import` does not work for
   * dynamic resources). Once adopted, the stack owns it: destroying the resource deletes it.
   */
  attachmentId?: pulumi.Input<string>;
}

/** Output properties whose values are credentials: stored encrypted, shown only with `--show-secrets`. */
export const SECRET_OUTPUTS = ["credentials"] as const;

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
export class VolumeAttachment extends pulumi.dynamic.Resource {
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

  /** The attachment's ID. */
  declare readonly attachmentId: pulumi.Output<string>;
  /** The volume's ID (resolved when `volumeId` was a name). */
  declare readonly volumeId: pulumi.Output<string>;
  /** The volume's name, when it was attached by name. */
  declare readonly volumeName: pulumi.Output<string | undefined>;
  /** The instance (server) the attachment is for, as Cinder records it; absent when none was given. */
  declare readonly instanceUuid: pulumi.Output<string | undefined>;
  /** `reserved`, `attaching`, `attached`, ... */
  declare readonly status: pulumi.Output<string>;
  /** The mode Cinder recorded: `rw` or `ro`. */
  declare readonly attachMode: pulumi.Output<string | undefined>;
  /** When Cinder connected the attachment (`attached_at`, set at connect, before os-complete); absent for a reservation. */
  declare readonly attachedAt: pulumi.Output<string | undefined>;
  /** `iscsi`, `fibre_channel`, `nvmeof`, `rbd`, ... */
  declare readonly driverVolumeType: pulumi.Output<string | undefined>;
  /** Connection info as the driver returned it (`target_iqn`, `target_portal`, `target_lun`, ...), credentials removed. */
  declare readonly connectionInfo: pulumi.Output<Record<string, unknown> | undefined>;
  /** Connection credentials (`auth_username`, `auth_password`, ...). Secret. */
  declare readonly credentials: pulumi.Output<Record<string, string> | undefined>;
  /**
   * The connector as checked: the input with `platform`, `osType` and `multipath` defaulted and WWNs
   * normalised; absent for a reservation.
   */
  declare readonly connector: pulumi.Output<ConnectorArgs | undefined>;
  /** The requested mode (`rw`/`ro`, microversion 3.54) as given; {@link attachMode} is what Cinder recorded. */
  declare readonly mode: pulumi.Output<AttachMode | undefined>;
  /** Whether the attachment is completed (os-complete, microversion 3.44): the input, or its default. */
  declare readonly complete: pulumi.Output<boolean>;

  /**
   * Declares an attachment; nothing reaches Cinder before `pulumi up`, and bad inputs fail in `check`.
   * @param name The resource's name, unique within the stack.
   * @param args The volume, the instance, the connector and how to attach.
   * @param opts Resource options; `credentials` is always added to `additionalSecretOutputs`.
   */
  constructor(name: string, args: VolumeAttachmentArgs, opts?: pulumi.CustomResourceOptions) {
    super(
      new VolumeAttachmentProvider(),
      name,
      {
        ...args,
        attachmentId: args.attachmentId,
        volumeName: undefined,
        status: undefined,
        attachMode: undefined,
        attachedAt: undefined,
        driverVolumeType: undefined,
        connectionInfo: undefined,
        credentials: undefined,
      },
      { ...opts, additionalSecretOutputs: [...(opts?.additionalSecretOutputs ?? []), ...SECRET_OUTPUTS] },
      "cinder",
      "VolumeAttachment",
    );
  }
}
