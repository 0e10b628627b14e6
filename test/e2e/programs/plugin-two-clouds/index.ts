/**
 * Two explicit providers of the resource plugin in one program: one on the local noauth Cinder, one
 * on the Keystone-backed Cinder; each attachment goes to its own provider's cloud. Test program of
 * test/e2e/plugin.providers.test.ts; its settings come from the project config it sets.
 */
import * as pulumi from "@pulumi/pulumi";
import * as cinder from "pulumi-cinder";

const config = new pulumi.Config();
const connector = { initiator: "iqn.1993-08.org.debian:01:two-clouds", ip: "127.0.0.1", host: "two-clouds" };

const noauth = new cinder.Provider("noauth", {
  authType: "noauth",
  endpoint: config.require("noauthEndpoint"),
  projectId: "admin",
  userId: "admin",
  noauthServiceRoles: "service",
});
const keystone = new cinder.Provider("keystone", {
  authUrl: config.require("authUrl"),
  username: config.require("username"),
  password: config.requireSecret("password"),
  projectName: config.require("projectName"),
  userDomainName: "Default",
  projectDomainName: "Default",
  region: "RegionOne",
});

const local = new cinder.VolumeAttachment(
  "on-noauth",
  { volumeId: config.require("noauthVolume"), connector },
  { provider: noauth },
);
const remote = new cinder.VolumeAttachment(
  "on-keystone",
  { volumeId: config.require("keystoneVolume"), connector },
  { provider: keystone },
);

export const noauthAttachment = local.attachmentId;
export const keystoneAttachment = remote.attachmentId;
