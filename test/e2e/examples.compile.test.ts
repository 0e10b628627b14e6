/**
 * Every example compiles with its own tsconfig.json (strict), against the package as users get it:
 * `pulumi-cinder-attachment` resolved by name to the built dist/ types. The engine runs the examples
 * with type-checking off (see support/examples.ts), so this is where their types are checked.
 */
import { execFile } from "node:child_process";
import * as path from "node:path";
import { promisify } from "node:util";
import { EXAMPLES, ensurePackage, exampleDir } from "./support/examples";
import { repoRoot } from "./support/engine";

jest.setTimeout(120_000);

const run = promisify(execFile);

beforeAll(async () => {
  await ensurePackage();
});

test.each(EXAMPLES)("examples/%s compiles with tsc --noEmit -p (strict)", async (example) => {
  const tsc = path.join(repoRoot, "node_modules", ".bin", "tsc");
  await expect(run(tsc, ["--noEmit", "-p", exampleDir(example)], { cwd: repoRoot })).resolves.toEqual({
    stdout: "",
    stderr: "",
  });
});
