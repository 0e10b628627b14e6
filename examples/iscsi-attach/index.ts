/**
 * One full attach over iSCSI with CHAP: Cinder connects the volume to the host described by the
 * connector, the attachment is completed (volume `in-use`), and the connection info a host needs to
 * log in to the target is exported. The CHAP credentials are secrets: `pulumi stack output` masks
 * them, `pulumi stack output --show-secrets` shows them, and the state keeps them encrypted.
 *
 * Stack config (see README.md):
 *   volume        required: volume ID, or a name exactly one volume has
 *   instanceUuid  optional: the instance the volume is attached for
 *   initiator, hostIp, host, mountpoint   optional: the host's connector
 *   mode          optional: rw | ro (needs microversion 3.54)
 *   attachmentId  optional: adopt an existing attachment instead of creating one
 *   cinder:*      where Cinder is (cinder:endpoint, cinder:authType, ...), or the OS_* / CINDER_* environment
 */
import * as pulumi from "@pulumi/pulumi";
import { type AttachMode, VolumeAttachment } from "pulumi-cinder-attachment";

const config = new pulumi.Config();

/** The `mode` setting, checked here so a typo fails before anything reaches Cinder. */
function parseMode(value: string | undefined): AttachMode | undefined {
  if (value === undefined || value === "rw" || value === "ro") return value;
  throw new Error(`config "mode" must be rw or ro, not "${value}"`);
}

const attachment = new VolumeAttachment("data", {
  volumeId: config.require("volume"),
  instanceUuid: config.get("instanceUuid"),
  connector: {
    initiator: config.get("initiator") ?? "iqn.1993-08.org.debian:01:compute-1",
    ip: config.get("hostIp") ?? "192.0.2.10",
    host: config.get("host") ?? "compute-1",
    mountpoint: config.get("mountpoint") ?? "/dev/vdb",
  },
  mode: parseMode(config.get("mode")),
  complete: true,
  attachmentId: config.get("attachmentId"),
});

/** One field of the connection info (undefined while there is none). */
function connectionField(key: string): pulumi.Output<unknown> {
  return attachment.connectionInfo.apply((info) => info?.[key]);
}

export const attachmentId = attachment.attachmentId;
export const volumeId = attachment.volumeId;
export const status = attachment.status;
export const attachMode = attachment.attachMode;
export const driverVolumeType = attachment.driverVolumeType;
export const targetPortal = connectionField("target_portal");
export const targetIqn = connectionField("target_iqn");
export const targetLun = connectionField("target_lun");
export const authMethod = connectionField("auth_method");
export const connectionInfo = attachment.connectionInfo;
/** Secret, because `credentials` is: shown as [secret] unless asked for with --show-secrets. */
export const chapUsername = attachment.credentials.apply((credentials) => credentials?.["auth_username"]);
/** Secret, because `credentials` is. */
export const chapPassword = attachment.credentials.apply((credentials) => credentials?.["auth_password"]);
