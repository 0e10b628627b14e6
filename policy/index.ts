/**
 * Policy pack for OpenStack Cinder volume attachments: the dynamic provider's (`pulumi-nodejs:dynamic/cinder:VolumeAttachment`)
 * and the resource plugin's (`cinder:index:VolumeAttachment`), judged alike.
 * Run it with `pulumi preview --policy-pack policy` (see policy/README.md). Constructing the pack starts
 * the analyzer server, so tests import the policies from `./policies` instead of this file.
 */
import { PolicyPack } from "@pulumi/policy";
import { policies } from "./policies";

new PolicyPack("cinder-volume-attachments", {
  description: "Guards OpenStack Cinder volume attachments: hosts, sharing, multipath and credentials.",
  policies,
});
