// Bundles the dynamic provider's runtime (`pulumi-cinder-attachment/runtime`,
// provider/src/dynamic/runtime.ts) and its dependencies (axios, zod) into one CommonJS file,
// dist/runtime/runtime.cjs: the provider process loads it at its first method, once per preview
// and once per update, and one file (compiled from the Node code cache, scripts/engine/
// node-compile-cache.js) loads several times faster than the hundreds of modules it replaces
// (bench part `profile`). Its declarations stay those tsc writes (dist/provider/src/dynamic/).
// Run after tsc by `npm run build:dist`, the one command that rebuilds dist/'s JavaScript (`npm run
// build`, scripts/bench.sh and the e2e tests call it).
import { mkdirSync, renameSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

const repo = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const out = join(repo, "dist/runtime/runtime.cjs");
// Written beside and renamed over: a provider process that is loading the old file keeps it whole.
const staging = `${out}.${process.pid}`;

mkdirSync(dirname(out), { recursive: true });
await build({
  entryPoints: [join(repo, "provider/src/dynamic/runtime.ts")],
  bundle: true,
  platform: "node",
  target: "node20",
  format: "cjs",
  outfile: staging,
  minify: true,
  // Class and function names stay as written: errors are reported by them.
  keepNames: true,
  // The provider's methods load this very file by package name (provider/src/dynamic/provider.ts).
  external: ["pulumi-cinder-attachment/runtime"],
  legalComments: "none",
  logLevel: "warning",
});
renameSync(staging, out);
