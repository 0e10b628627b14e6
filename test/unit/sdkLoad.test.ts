/**
 * What the SDK costs a program: the resource's keys come without the schemas, zod stays out of the
 * program, and no provider object is serialized: each resource carries the provider module.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { join } from "node:path";
import { PROVIDER_MODULE } from "../../provider/src/dynamic/providerModule";
import { OUTPUT_KEYS } from "../../provider/src/volumeAttachment/outputKeys";
import { volumeAttachmentOutputsSchema } from "../../provider/src/volumeAttachment/shape";

test("the SDK's list of state keys is the outputs schema's", () => {
  expect([...OUTPUT_KEYS].sort()).toEqual(Object.keys(volumeAttachmentOutputsSchema().shape).sort());
});

test("requiring the built package loads no zod: validation runs in the provider process only", () => {
  const sdk = join(__dirname, "..", "..", "dist", "sdk", "index.js");
  const loaded = execFileSync(process.execPath, [
    "-e",
    `require(${JSON.stringify(sdk)}); console.log(Object.keys(require.cache).filter((k) => k.includes("/node_modules/zod/")).length)`,
  ]).toString();
  expect(loaded.trim()).toBe("0");
});

test("a program's VolumeAttachments serialize no provider object: each carries the provider module", () => {
  const sdk = join(__dirname, "..", "..", "dist", "sdk", "index.js");
  const program = `
    const pulumi = require("@pulumi/pulumi");
    const providers = [];
    pulumi.runtime.setMocks({
      newResource: (a) => (providers.push(a.inputs.__provider), { id: a.name, state: a.inputs }),
      call: () => ({}),
    });
    const closure = require("@pulumi/pulumi/runtime/closure/serializeClosure");
    const serialize = closure.serializeFunction;
    let calls = 0;
    closure.serializeFunction = (...args) => ((calls += 1), serialize(...args));
    const { VolumeAttachment } = require(${JSON.stringify(sdk)});
    for (let i = 0; i < 3; i += 1) new VolumeAttachment("data-" + i, { volumeId: "volume-" + i });
    setTimeout(() => {
      console.log(JSON.stringify({ calls, providers }));
      process.exit(); // the mocks leave the resources' promises pending, which the runtime reports
    }, 500);
  `;
  const child = spawnSync(process.execPath, ["-e", program], { cwd: join(__dirname, "..", ".."), encoding: "utf8" });
  expect(JSON.parse(child.stdout.split("\n")[0] ?? "")).toEqual({
    calls: 0,
    providers: [PROVIDER_MODULE, PROVIDER_MODULE, PROVIDER_MODULE],
  });
});

test("the provider module loads as the dynamic-provider host loads it, into a VolumeAttachmentProvider", () => {
  // cmd/dynamic-provider: requireFromString(props.__provider).handler(), in the program's folder.
  const host = `
    const provider = require("require-from-string")(${JSON.stringify(PROVIDER_MODULE)}).handler();
    console.log(provider.constructor.name, typeof provider.configure, typeof provider.create, typeof provider.delete);
  `;
  const child = spawnSync(process.execPath, ["-e", host], { cwd: join(__dirname, "..", ".."), encoding: "utf8" });
  expect(child.stderr).toBe("");
  expect(child.stdout.trim()).toBe("VolumeAttachmentProvider function function function");
});

test("a provider serialized by pulumi.dynamic.Resource (earlier SDKs' states) still loads and checks", () => {
  // The closure of a VolumeAttachmentProvider as earlier SDKs wrote it into `__provider`, loaded as
  // the host loads it: its methods must still find what they take from the runtime.
  const provider = join(__dirname, "..", "..", "dist", "provider", "src", "dynamic", "provider.js");
  const host = `
    const { serializeFunction } = require("@pulumi/pulumi/runtime");
    const { VolumeAttachmentProvider } = require(${JSON.stringify(provider)});
    const instance = new VolumeAttachmentProvider();
    serializeFunction(() => instance, { allowSecrets: true }).then(async ({ text }) => {
      const loaded = require("require-from-string")(text).handler();
      await loaded.configure({ config: { get: (key) => ({ "cinder:endpoint": "http://127.0.0.1:1/v3", "cinder:authType": "noauth" })[key] } });
      const result = await loaded.check({}, { volumeId: "v", connector: { initiator: "iqn.bad" } });
      console.log(JSON.stringify(result.failures.map((f) => f.property)));
    });
  `;
  const child = spawnSync(process.execPath, ["-e", host], { cwd: join(__dirname, "..", ".."), encoding: "utf8" });
  expect({ stdout: child.stdout.trim(), status: child.status }).toEqual({
    stdout: '["connector.initiator"]',
    status: 0,
  });
});
