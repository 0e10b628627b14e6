/**
 * The iscsi-attach example on the resource plugin: the same attachment, declared with the SDK that
 * Pulumi's code generator made from the plugin's schema (`pulumi-cinder`, sdks/nodejs). The default
 * provider reads stack config `cinder:*` (or the OS_* environment), as the dynamic provider does.
 *
 * Stack config (see README.md):
 *   volume        required: volume ID, or a name exactly one volume has
 *   instanceUuid  optional: the instance the volume is attached for
 *   initiator, hostIp, host   optional: the host's connector
 *   cinder:*      where Cinder is (cinder:endpoint, cinder:authType, ...)
 */
import * as pulumi from "@pulumi/pulumi";
import * as cinder from "pulumi-cinder";

const config = new pulumi.Config();

const attachment = new cinder.VolumeAttachment("data", {
  volumeId: config.require("volume"),
  instanceUuid: config.get("instanceUuid"),
  connector: {
    initiator: config.get("initiator") ?? "iqn.1993-08.org.debian:01:compute-1",
    ip: config.get("hostIp") ?? "192.0.2.10",
    host: config.get("host") ?? "compute-1",
  },
});

export const attachmentId = attachment.attachmentId;
export const status = attachment.status;
export const targetIqn = attachment.connectionInfo.apply((info) => info?.["target_iqn"] as string | undefined);
/** Secret, because `credentials` is (the schema marks it so). */
export const chapPassword = attachment.credentials.apply((credentials) => credentials?.["auth_password"]);
