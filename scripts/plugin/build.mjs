// Builds the resource plugin `pulumi-resource-cinder` (provider/src/plugin/main.ts) into
//   dist/plugin/pulumi-resource-cinder/            a plugin folder: `plugins.providers[].path` in Pulumi.yaml can point here
//     pulumi-resource-cinder                       the executable the engine runs (a shell launcher: it needs only `node`)
//     pulumi-resource-cinder.cjs                   its entry (scripts/plugin/loader.cjs): runs the bundle with the cache
//     bundle.cjs                                   the plugin and its dependencies in one CommonJS file
//     bundle.cjs.cache                             V8's code cache of what the bundle's start-up compiles, written by a
//                                                  start of the built plugin: a start then compiles little (exec to
//                                                  Configure answered: 189 ms here, 319-388 ms without; bench part
//                                                  `startup`)
//   dist/plugin/pulumi-resource-cinder-v<version>-linux-<arch>.tar.gz
//                                                  the same folder as a tarball, for `pulumi plugin install resource
//                                                  cinder <version> --file <tarball>`
// Prints the folder's path last. Run by `npm run build` (and `npm run plugin` alone); about two seconds.
import { execFileSync } from "node:child_process";
import {
  chmodSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { arch } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

const repo = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const { version } = JSON.parse(readFileSync(join(repo, "package.json"), "utf8"));
const out = join(repo, "dist/plugin");
// Built beside the old one and swapped in at the end: a plugin process already running keeps its files.
const staging = join(repo, `dist/.plugin.${process.pid}`);
const folder = join(staging, "pulumi-resource-cinder");

rmSync(staging, { recursive: true, force: true });
mkdirSync(folder, { recursive: true });

await build({
  entryPoints: { bundle: join(repo, "provider/src/plugin/main.ts") },
  bundle: true,
  platform: "node",
  target: "node20",
  // CommonJS, one file: Node.js 20 takes a code cache only for a script it compiles through node:vm.
  // The modules the plugin imports on demand stay wrapped, evaluated when first imported.
  format: "cjs",
  outdir: folder,
  outExtension: { ".js": ".cjs" },
  minify: true,
  legalComments: "none",
  logLevel: "warning",
});
copyFileSync(join(repo, "scripts/plugin/loader.cjs"), join(folder, "pulumi-resource-cinder.cjs"));
execFileSync("node", [join(folder, "pulumi-resource-cinder.cjs"), "127.0.0.1:0"], {
  env: { ...process.env, PULUMI_CINDER_WRITE_CODE_CACHE: "1" },
  stdio: ["ignore", "ignore", "inherit"],
});

const launcher = join(folder, "pulumi-resource-cinder");
writeFileSync(
  launcher,
  `#!/bin/sh
# pulumi-resource-cinder ${version}: the Pulumi resource provider for OpenStack Cinder volume attachments.
# The engine runs it with its own address as the argument and reads the port it prints. Needs Node.js >= 20.
exec node "$(dirname "$0")/pulumi-resource-cinder.cjs" "$@"
`,
);
chmodSync(launcher, 0o755);

const machine = arch() === "x64" ? "amd64" : arch();
const tarball = join(staging, `pulumi-resource-cinder-v${version}-linux-${machine}.tar.gz`);
execFileSync("tar", ["-czf", tarball, "-C", folder, "."]);
const previous = join(repo, `dist/.plugin.old.${process.pid}`);
if (existsSync(out)) renameSync(out, previous);
renameSync(staging, out);
rmSync(previous, { recursive: true, force: true });
process.stdout.write(`${join(out, "pulumi-resource-cinder")}\n`);
