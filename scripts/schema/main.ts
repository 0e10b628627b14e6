/**
 * `npm run schema`: writes the package schema (provider/cmd/pulumi-resource-cinder/schema.json)
 * derived from the code; `--check` only says whether the checked-in one is up to date (exit 1 if not).
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { SCHEMA_PATH, generateSchema } from "./generate";
import { serializeSchema } from "./serialize";

function main(args: readonly string[]): number {
  const root = process.cwd();
  const file = path.join(root, SCHEMA_PATH);
  const text = serializeSchema(generateSchema(root));
  const current = fs.existsSync(file) ? fs.readFileSync(file, "utf8") : undefined;
  if (args.includes("--check")) {
    if (current === text) return 0;
    process.stderr.write(`${SCHEMA_PATH} is stale: run npm run schema\n`);
    return 1;
  }
  if (current !== text) {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, text);
  }
  process.stderr.write(`${SCHEMA_PATH} ${current === text ? "unchanged" : "written"}\n`);
  return 0;
}

process.exitCode = main(process.argv.slice(2));
