/** The plain shapes of a VolumeAttachment's inputs (after `check`) and outputs (its state). */

/** Where the volume is to be connected: python-cinderclient's connector flags, plus other transports'. */
export interface ConnectorInputs {
  /** iSCSI initiator IQN (`--initiator`), e.g. `iqn.1993-08.org.debian:01:cad181614cec`. */
  initiator?: string;
  /** The host's IP address (`--ip`). */
  ip?: string;
  /** The host's name (`--host`). */
  host?: string;
  /** CPU platform (`--platform`); default `x86_64`. */
  platform?: string;
  /** OS type (`--ostype`); default `linux2`. */
  osType?: string;
  /** Whether the host connects with multipath (`--multipath`); default false. */
  multipath?: boolean;
  /** Device path on the host (`--mountpoint`), e.g. `/dev/vdb`. */
  mountpoint?: string;
  /** Fibre Channel port WWNs, 16 hex digits each (colons allowed, stored lowercase without them). */
  wwpns?: string[];
  /** Fibre Channel node WWNs. */
  wwnns?: string[];
  /** NVMe-oF host NQN. */
  nqn?: string;
  /** Driver-specific connector fields, sent as given (e.g. `{ do_local_attach: false }`). */
  extra?: Record<string, string | number | boolean>;
}

/** Access mode of the attachment: read-write or read-only. Needs microversion 3.54. */
export type AttachMode = "rw" | "ro";

/** VolumeAttachment inputs as `check` returns them: validated, defaults filled. */
export interface VolumeAttachmentInputs {
  /** The volume: its ID, or a name that exactly one volume has (resolved as the cinder CLI does). */
  volumeId: string;
  /** The instance (server) the volume is for; required to reserve without a connector. */
  instanceUuid?: string;
  /** Where to connect. Without one the attachment only reserves the volume. */
  connector?: ConnectorInputs;
  /** `rw` or `ro` (3.54). A change replaces the attachment. */
  mode?: AttachMode;
  /** Call os-complete (3.44) after connecting, so the volume goes `in-use`. Default: true with a connector. */
  complete: boolean;
  /** Adopt this existing attachment instead of creating one (the engine's import does not work for dynamic resources). */
  attachmentId?: string;
}

/** The state of a VolumeAttachment: its inputs plus what Cinder reported. */
export interface VolumeAttachmentOutputs extends VolumeAttachmentInputs {
  /** The attachment's ID. */
  attachmentId: string;
  /** The volume's ID (resolved when the input was a name). */
  volumeId: string;
  /** The volume's name when it has one. */
  volumeName?: string;
  /** `reserved`, `attaching`, `attached`, ... */
  status: string;
  /** The mode Cinder recorded (`rw`/`ro`); the authority on the mode, over `connectionInfo.access_mode`. */
  attachMode?: string;
  /** When Cinder connected the attachment (`attached_at`, set at connect, before os-complete); absent for a reservation. */
  attachedAt?: string;
  /** The transport: `iscsi`, `fibre_channel`, `nvmeof`, `rbd`, ... */
  driverVolumeType?: string;
  /**
   * The connection info as the driver returned it (keys verbatim: `target_iqn`, `target_portal`,
   * `target_lun`, `auth_method`, `access_mode`, `encrypted`, `qos_specs`, ...), without credentials.
   */
  connectionInfo?: Record<string, unknown>;
  /** Credentials from the connection info (`auth_username`, `auth_password`, ...). A Pulumi secret. */
  credentials?: Record<string, string>;
}
