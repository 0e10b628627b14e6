/**
 * What only the resource plugin face has, against the real local Cinder, over gRPC as the engine
 * calls it: its own configuration checked before any request, secrets on the wire, import's read
 * without a state, the functions, the schema it serves, and its lifetime. The resource's behaviour
 * itself is specified once for both faces (attachments.test.ts).
 */
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import * as proto from "@pulumi/pulumi/proto/provider_pb";
import type { CinderClient } from "../../provider/src/cinder/client";
import { cinder, cinderAttach, parseListIds } from "../support/cinderCli";
import { type PluginFace, noAuthSettings, pluginFace } from "../support/faces";
import { PLUGIN_DIR, PLUGIN_TYPE, PluginProcess, ensurePlugin, fromStruct, toStruct } from "../support/plugin";
import { REPO_ROOT, TestVolumes, adminClient } from "../support/stack";

jest.setTimeout(120_000);

const HOST = { initiator: "iqn.1993-08.org.debian:01:plugin-host", ip: "127.0.0.1", host: "plugin-host" };
const INSTANCE = "2b9f5a0e-7c1d-4e3f-9a8b-1c2d3e4f5a6b";
const URN = `urn:pulumi:test::plugin::${PLUGIN_TYPE}::imported`;

const volumes = new TestVolumes("plugin");
let admin: CinderClient;
let face: PluginFace;

beforeAll(async () => {
  admin = await adminClient();
  face = await pluginFace(noAuthSettings());
});
afterAll(async () => {
  await volumes.cleanup(admin);
  await face.close();
});

async function checkConfig(plugin: PluginProcess, news: Record<string, unknown>, secrets: string[] = []) {
  const request = new proto.CheckRequest()
    .setUrn("urn:pulumi:test::plugin::pulumi:providers:cinder::p")
    .setNews(await toStruct(news, secrets));
  const response = await plugin.call<proto.CheckRequest, proto.CheckResponse>("checkConfig", request);
  return {
    inputs: fromStruct(response.getInputs()),
    failures: response.getFailuresList().map((f) => ({ property: f.getProperty(), reason: f.getReason() })),
  };
}

async function invoke(tok: string, args: Record<string, unknown>) {
  const request = new proto.InvokeRequest().setTok(tok).setArgs(await toStruct(args));
  const response = await face.plugin.call<proto.InvokeRequest, proto.InvokeResponse>("invoke", request);
  return { result: fromStruct(response.getReturn()), failures: response.getFailuresList() };
}

test("GetSchema serves the checked-in schema.json and GetPluginInfo the package's version", async () => {
  const checkedIn = JSON.parse(
    readFileSync(join(REPO_ROOT, "provider/cmd/pulumi-resource-cinder/schema.json"), "utf8"),
  ) as Record<string, unknown>;
  expect(await face.plugin.schema()).toEqual(checkedIn);
  const { version } = JSON.parse(readFileSync(join(REPO_ROOT, "package.json"), "utf8")) as { version: string };
  expect(await face.plugin.version()).toBe(version);
});

test("CheckConfig refuses bad settings with the key named, before any request, and keeps secret settings secret", async () => {
  const plugin = await PluginProcess.start();
  try {
    // A Keystone nobody listens on: a failure here is the check's, not a connection's.
    const keystone = { authUrl: "http://127.0.0.1:9/v3", username: "demo", projectName: "demo" };
    expect((await checkConfig(plugin, { authType: "kerberos", authUrl: keystone.authUrl })).failures).toEqual([
      { property: "authType", reason: expect.stringMatching(/kerberos/) as string },
    ]);
    expect((await checkConfig(plugin, { authType: "noauth", endpoint: "not a url" })).failures).toEqual([
      { property: "endpoint", reason: expect.stringMatching(/"not a url" is not an http\(s\) URL/) as string },
    ]);
    expect((await checkConfig(plugin, { ...keystone, authType: "password" })).failures).toEqual([
      { property: "password", reason: expect.stringMatching(/password/) as string },
    ]);
    expect((await checkConfig(plugin, { ...noAuthSettings(), endpont: "http://x" })).failures).toEqual([
      { property: "endpont", reason: expect.stringMatching(/not a setting of the cinder provider/) as string },
    ]);
    const good = await checkConfig(plugin, { ...keystone, password: "s3cret-pw", version: "0.1.0" }, ["password"]);
    expect(good.failures).toEqual([]);
    expect(good.inputs.secrets).toEqual(["password"]);
  } finally {
    await plugin.stop();
  }
  expect(face.plugin.stderr()).not.toMatch(/s3cret-pw/);
});

test("a full create's credentials come back as a secret on the wire; the connection info is plain", async () => {
  const volume = await volumes.create(admin);
  const { inputs } = await face.check({ volumeId: volume.id, connector: HOST });
  const { id, outs } = await face.create(inputs);
  expect(face.lastSecrets()).toEqual(["credentials"]);
  expect(outs.credentials?.auth_password).toEqual(expect.any(String));
  expect(outs.connectionInfo?.target_iqn).toBe(`iqn.2010-10.org.openstack:volume-${volume.id}`);
  await face.delete(id);
});

test("import: Read without a state answers the inputs Cinder shows (volume, instance; no connector) and the outputs", async () => {
  const volume = await volumes.create(admin);
  const shown = await cinderAttach(volume.id, HOST, INSTANCE);
  const id = shown.id as string;
  const request = new proto.ReadRequest().setUrn(URN).setType(PLUGIN_TYPE).setId(id);
  const response = await face.plugin.call<proto.ReadRequest, proto.ReadResponse>("read", request);
  expect(response.getId()).toBe(id);
  expect(fromStruct(response.getInputs()).values).toEqual({
    volumeId: volume.id,
    instanceUuid: INSTANCE,
    complete: false,
  });
  const outputs = fromStruct(response.getProperties());
  expect(outputs.values).toMatchObject({
    attachmentId: id,
    volumeId: volume.id,
    volumeName: volume.name,
    instanceUuid: INSTANCE,
    status: "attaching",
    driverVolumeType: "iscsi",
  });
  expect(outputs.secrets).toEqual(["credentials"]);
  // The same attachment declared with its connector is an update in place, never a replacement.
  const declared = await face.check({ volumeId: volume.id, instanceUuid: INSTANCE, connector: HOST });
  const diff = await face.diff(outputs.values as never, declared.inputs);
  expect(diff.replaces).toEqual([]);
  await face.delete(id);
  expect(parseListIds(await cinder(["attachment-list", "--volume-id", volume.id]))).toEqual([]);
});

test("getAttachment and getAttachments (by volume, by instance, by status) answer what the cinder CLI lists, credentials secret", async () => {
  const volume = await volumes.create(admin);
  const { inputs } = await face.check({ volumeId: volume.id, instanceUuid: INSTANCE, connector: HOST });
  const { id } = await face.create(inputs);
  const reserved = await face.create(
    (await face.check({ volumeId: (await volumes.create(admin)).id, instanceUuid: INSTANCE })).inputs,
  );

  const one = await invoke("cinder:index:getAttachment", { attachmentId: id });
  expect(one.result.values).toMatchObject({
    attachmentId: id,
    volumeId: volume.id,
    status: "attached",
    complete: true,
  });
  expect(one.result.secrets).toEqual(["credentials"]);

  const byVolume = await invoke("cinder:index:getAttachments", { volumeId: volume.id });
  const listed = parseListIds(await cinder(["attachment-list", "--volume-id", volume.id]));
  expect((byVolume.result.values.attachments as { attachmentId: string }[]).map((a) => a.attachmentId)).toEqual(listed);

  const byInstance = await invoke("cinder:index:getAttachments", { instanceUuid: INSTANCE, status: "reserved" });
  expect((byInstance.result.values.attachments as { attachmentId: string }[]).map((a) => a.attachmentId)).toEqual([
    reserved.id,
  ]);

  await expect(invoke("cinder:index:getAttachment", { attachmentId: "nope" })).rejects.toThrow(
    /attachmentId "nope" is not a UUID/,
  );
  await face.delete(id);
  await face.delete(reserved.id);
});

test("the plugin exits by itself within seconds once the process that started it (the engine) is gone", async () => {
  const launcher = join(ensurePlugin(), "pulumi-resource-cinder");
  // A stand-in engine: a shell that starts the plugin, says its pid, and is then killed with SIGKILL.
  const engine = spawn("sh", ["-c", `"${launcher}" 127.0.0.1:1 >/dev/null & echo $!; wait`], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  const pid = await new Promise<number>((resolve) =>
    engine.stdout.once("data", (d: Buffer) => resolve(Number(String(d).trim()))),
  );
  await new Promise((resolve) => setTimeout(resolve, 1000));
  expect(isAlive(pid)).toBe(true);
  engine.kill("SIGKILL");
  const deadline = Date.now() + 5000;
  while (isAlive(pid) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
  expect(isAlive(pid)).toBe(false);
  expect(PLUGIN_DIR).toContain("dist/plugin");
});

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
