// The main module of our Node plugin launchers: runs a script of @pulumi/pulumi (cmd/dynamic-provider,
// cmd/run-policy-pack) resolved from the working directory, in this same node process, with the
// arguments the engine gave the launcher. Before, each launcher ran a node process of its own only
// to resolve the script's path (about 0.2 s, twice per `pulumi up`: preview and update).
//
//   node [--require plugin-watchdog.js] plugin-main.js <request> <launcher name> <engine args...>
"use strict";

const { existsSync } = require("node:fs");
const { join } = require("node:path");

// V8's code cache of the modules the script loads (node-compile-cache.js), when installed beside
// this file: the dynamic provider loads @pulumi/pulumi afresh at every preview and update.
const compileCache = join(__dirname, "node-compile-cache.js");
if (existsSync(compileCache)) require(compileCache);

const [node, , request, launcher, ...args] = process.argv;
let script;
try {
  script = require.resolve(request, { paths: [process.cwd()] });
} catch {
  process.stderr.write(`${launcher}: cannot resolve ${request} from ${process.cwd()}; run npm ci\n`);
  process.exit(1);
}
// The script reads its arguments as process.argv.slice(2), as when node runs it directly.
process.argv = [node, script, ...args];
require(script);
