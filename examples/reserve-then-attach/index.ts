/**
 * The boot-from-volume flow: Nova first reserves the volume for the instance it is scheduling
 * (attachment without a connector: attachment and volume `reserved`), and connects it only once
 * the instance has landed on a host. Here the first `pulumi up` reserves; after
 * `pulumi config set attach true` the second `pulumi up` adds the host's connector to the same
 * attachment — an in-place update, not a replacement — completes it (volume `in-use`) and exports the
 * connection info.
 *
 * Stack config (see README.md):
 *   volume        required: volume ID, or a name exactly one volume has
 *   instanceUuid  required: the instance the volume is reserved for
 *   attach        optional, default false: add the connector
 *   initiator, hostIp, host   optional: the host's connector
 *   cinder:*      where Cinder is (cinder:endpoint, cinder:authType, ...), or the OS_* / CINDER_* environment
 */
import * as pulumi from "@pulumi/pulumi";
import { VolumeAttachment } from "pulumi-cinder-attachment";

const config = new pulumi.Config();
const attach = config.getBoolean("attach") ?? false;

const attachment = new VolumeAttachment("boot", {
  volumeId: config.require("volume"),
  instanceUuid: config.require("instanceUuid"),
  // No connector: a reservation. With one: connect the reserved attachment, then complete it.
  connector: attach
    ? {
        initiator: config.get("initiator") ?? "iqn.1993-08.org.debian:01:compute-2",
        ip: config.get("hostIp") ?? "192.0.2.20",
        host: config.get("host") ?? "compute-2",
        mountpoint: "/dev/vda",
      }
    : undefined,
});

export const attachmentId = attachment.attachmentId;
export const volumeId = attachment.volumeId;
export const status = attachment.status;
export const driverVolumeType = attachment.driverVolumeType;
/** Empty while the volume is only reserved. */
export const connectionInfo = attachment.connectionInfo;
/** CHAP credentials once connected; secret. */
export const credentials = attachment.credentials;
