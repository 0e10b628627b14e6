/**
 * A VolumeAttachment that complies with the policy pack's defaults, for `pulumi preview --policy-pack`
 * through the CLI and our Node language host (test/e2e/policy.test.ts). Previews only: nothing is created.
 */
import * as pulumi from "@pulumi/pulumi";
import { VolumeAttachment } from "../../../../sdk";

const config = new pulumi.Config();
const attachment = new VolumeAttachment("data", {
  volumeId: config.get("volumeId") ?? "5f6d1e9c-4b7f-4c55-a6a3-0a9e8f3b8c21",
  instanceUuid: "83ec2e3b-4321-422b-8706-a84185f52a0a",
  connector: {
    host: config.get("host") ?? "compute-1",
    initiator: "iqn.1993-08.org.debian:01:compute-1",
    ip: "192.0.2.10",
    multipath: true,
    mountpoint: "/dev/vdb",
  },
});

export const attachmentId = attachment.attachmentId;
