"use strict";
// The resource plugin's entry, copied into the plugin folder as pulumi-resource-cinder.cjs: runs
// bundle.cjs (the plugin and its dependencies in one CommonJS file) with the V8 code cache that
// scripts/plugin/build.mjs wrote beside it (bundle.cjs.cache), so that a start compiles little: the
// engine starts the plugin once per preview and once per update. A cache of another Node.js or V8
// is rejected by V8 itself, and the bundle is then compiled as without one.
//
// With PULUMI_CINDER_WRITE_CODE_CACHE=1 (the build) it starts the plugin as the engine would,
// lets its start-up and preload run, writes the cache of what they compiled, and exits.
const { readFileSync, writeFileSync } = require("node:fs");
const { createRequire, wrap } = require("node:module");
const { join } = require("node:path");
const { Script } = require("node:vm");

const bundle = join(__dirname, "bundle.cjs");
const cacheFile = `${bundle}.cache`;
const writing = process.env.PULUMI_CINDER_WRITE_CODE_CACHE === "1";

let cachedData;
if (!writing) {
  try {
    cachedData = readFileSync(cacheFile);
  } catch {
    // No cache beside the bundle: compile it all.
  }
}
const script = new Script(wrap(readFileSync(bundle, "utf8")), { filename: bundle, cachedData });
if (writing) {
  setTimeout(() => {
    writeFileSync(cacheFile, script.createCachedData());
    process.exit(0);
  }, 1000);
}
const module_ = { exports: {} };
script.runInThisContext()(module_.exports, createRequire(bundle), module_, bundle, __dirname);
