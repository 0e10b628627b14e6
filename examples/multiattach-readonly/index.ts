/**
 * One multiattach volume attached read-only to two hosts (a shared data set, say): two attachments
 * of the same volume, each with its host's connector and `mode: "ro"` (microversion 3.54).
 *
 * Cinder takes a second attachment of a multiattach volume only while the volume is `available` or
 * `in-use`, not while another attachment is still `attaching`, so each reader waits for the one
 * before it (`dependsOn`): the first is completed (volume `in-use`) before the second is created.
 *
 * Stack config (see README.md):
 *   volume   required: a multiattach volume (its type has multiattach="<is> True"), ID or unique name
 *   readers  optional: JSON list of hosts, [{"host": ..., "ip": ..., "initiator": ...}, ...] (default: two)
 *   cinder:* where Cinder is (cinder:endpoint, cinder:authType, ...), or the OS_* / CINDER_* environment
 */
import * as pulumi from "@pulumi/pulumi";
import { VolumeAttachment } from "pulumi-cinder-attachment";

/** One host that reads the volume. */
interface Reader {
  host: string;
  ip: string;
  initiator: string;
}

const config = new pulumi.Config();
const volumeId = config.require("volume");
const readers = config.getObject<Reader[]>("readers") ?? [
  { host: "reader-1", ip: "192.0.2.31", initiator: "iqn.1993-08.org.debian:01:reader-1" },
  { host: "reader-2", ip: "192.0.2.32", initiator: "iqn.1993-08.org.debian:01:reader-2" },
];

const attachments: VolumeAttachment[] = [];
for (const reader of readers) {
  const previous = attachments[attachments.length - 1];
  attachments.push(
    new VolumeAttachment(
      reader.host,
      { volumeId, connector: { host: reader.host, ip: reader.ip, initiator: reader.initiator }, mode: "ro" },
      { dependsOn: previous ? [previous] : [] },
    ),
  );
}

export const attachmentIds = attachments.map((attachment) => attachment.attachmentId);
/** The mode Cinder recorded for each attachment: `ro`. */
export const attachModes = attachments.map((attachment) => attachment.attachMode);
export const statuses = attachments.map((attachment) => attachment.status);
export const targetIqns = attachments.map((attachment) =>
  attachment.connectionInfo.apply((info) => info?.["target_iqn"]),
);
