/**
 * What the SDK costs a program: the resource's keys come without the schemas, zod stays out of the
 * program, and the provider is serialized once per program, not once per resource.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { join } from "node:path";
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

test("a program of several VolumeAttachments serializes the provider once", () => {
  const sdk = join(__dirname, "..", "..", "dist", "sdk", "index.js");
  const program = `
    const pulumi = require("@pulumi/pulumi");
    pulumi.runtime.setMocks({ newResource: (a) => ({ id: a.name, state: a.inputs }), call: () => ({}) });
    const closure = require("@pulumi/pulumi/runtime/closure/serializeClosure");
    const serialize = closure.serializeFunction;
    let calls = 0;
    closure.serializeFunction = (...args) => ((calls += 1), serialize(...args));
    const { VolumeAttachment } = require(${JSON.stringify(sdk)});
    for (let i = 0; i < 3; i += 1) new VolumeAttachment("data-" + i, { volumeId: "volume-" + i });
    console.log(calls);
    process.exit(); // the mocks leave the resources' promises pending, which the runtime reports
  `;
  const child = spawnSync(process.execPath, ["-e", program], { cwd: join(__dirname, "..", ".."), encoding: "utf8" });
  expect(child.stdout.split("\n")[0]).toBe("1");
});
