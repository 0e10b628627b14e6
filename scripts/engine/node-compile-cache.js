// Preloaded (`node --require`) into the node processes of our Node language host and plugin
// launchers: the program, the dynamic provider, the policy pack. Each `pulumi up` starts them once
// for the preview and once for the update, and each loads @pulumi/pulumi (and ts-node with
// TypeScript for a .ts program) afresh: most of that time is V8 compiling the same files again.
// This keeps V8's code cache of every CommonJS module a process compiles in a folder of files
// named by the SHA-1 of the module's source, and gives it back to V8 the next time the same source
// is compiled. Node.js 20 has no such cache of its own (NODE_COMPILE_CACHE came with 22.1).
//
//   PULUMI_CINDER_NODE_COMPILE_CACHE   the folder (default: node-compile-cache/<node version>-<arch>
//                                      in $PULUMI_CINDER_CACHE, else ~/.cache/pulumi-cinder-attachment,
//                                      beside the engine); `off` turns the cache off
//
// V8 takes a cache only under the flags it was made with, and @pulumi/pulumi turns on
// --allow-natives-syntax when its closure serializer loads (runtime/closure/v8.js): this preload
// turns it on first, so that every module of these processes is cached and checked under the same
// flags. A cache V8 rejects all the same (another V8) is compiled as without one and written again.
// The caches are written once no new module came for 300 ms (the engine stops a dynamic provider
// with a signal soon after its last call, and a signal runs no exit handler) and at exit, each to a
// temporary file renamed into place. Removing the folder only costs the next start its compile time.
"use strict";

const { createHash } = require("node:crypto");
const { mkdirSync, readFileSync, renameSync, writeFileSync } = require("node:fs");
const Module = require("node:module");
const { homedir } = require("node:os");
const path = require("node:path");
const v8 = require("node:v8");
const vm = require("node:vm");

const QUIET_MS = 300;

function cacheFolder() {
  const setting = process.env.PULUMI_CINDER_NODE_COMPILE_CACHE;
  if (setting === "off") return undefined;
  if (setting) return setting;
  const base = process.env.PULUMI_CINDER_CACHE || path.join(homedir(), ".cache", "pulumi-cinder-attachment");
  return path.join(base, "node-compile-cache", `${process.version}-${process.arch}`);
}

const folder = cacheFolder();
if (folder) {
  v8.setFlagsFromString("--allow-natives-syntax");
  install(folder);
}

function install(folder) {
  /** Scripts compiled without a usable cache, by the cache file they are to be written to. */
  const pending = new Map();
  let timer;

  const flush = () => {
    if (pending.size === 0) return;
    try {
      mkdirSync(folder, { recursive: true });
      for (const [file, script] of pending) {
        const temporary = `${file}.${process.pid}.tmp`;
        writeFileSync(temporary, script.createCachedData());
        renameSync(temporary, file);
      }
    } catch {
      // A cache that cannot be written is only a slower next start.
    }
    pending.clear();
  };
  process.once("exit", flush);

  const compile = Module.prototype._compile;
  Module.prototype._compile = function compileWithCache(content, filename, format) {
    if (format === "module") return compile.call(this, content, filename, format);
    const file = path.join(folder, createHash("sha1").update(content).digest("hex"));
    let cachedData;
    try {
      cachedData = readFileSync(file);
    } catch {
      // Not compiled before.
    }
    let script;
    try {
      script = new vm.Script(Module.wrap(content), {
        filename,
        cachedData,
        importModuleDynamically: vm.constants.USE_MAIN_CONTEXT_DEFAULT_LOADER,
      });
    } catch {
      // Not CommonJS (an ES module Node.js detects), or a syntax error Node.js reports in its words.
      return compile.call(this, content, filename, format);
    }
    if (cachedData === undefined || script.cachedDataRejected) {
      pending.set(file, script);
      clearTimeout(timer);
      timer = setTimeout(flush, QUIET_MS).unref();
    }
    return script
      .runInThisContext({ displayErrors: true })
      .call(this.exports, this.exports, requireFor(this), this, filename, path.dirname(filename));
  };
}

/** The `require` a module's code sees, as Node.js makes it. */
function requireFor(module) {
  const require = (id) => module.require(id);
  require.resolve = (request, options) => Module._resolveFilename(request, module, false, options);
  require.resolve.paths = (request) => Module._resolveLookupPaths(request, module);
  require.main = process.mainModule;
  require.extensions = Module._extensions;
  require.cache = Module._cache;
  return require;
}
