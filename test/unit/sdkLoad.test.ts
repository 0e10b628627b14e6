/** What the SDK costs a program: the resource's keys come without the schemas, and zod stays out of the program. */
import { execFileSync } from "node:child_process";
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
