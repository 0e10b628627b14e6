"use strict";
// What a Node.js process still holds when it ends: preloaded with
// NODE_OPTIONS="--require <repo>/bench/heapAtExit.cjs" and BENCH_HEAP_FILE=<file>, every node process
// that gets SIGINT (the engine's stop of a provider) or exits collects the garbage first and then
// appends one JSON line to the file: its argv (node first), the V8 heap in use after the collection,
// and the resident set now and at its peak (VmRSS, VmHWM). The peak minus the heap after collection
// is what the process held only for a while (garbage not collected yet, V8's young generation).
// Used by the bench's part `retained` (bench/retained.ts), and by hand.
const { appendFileSync, readFileSync } = require("node:fs");
const v8 = require("node:v8");
const vm = require("node:vm");

const file = process.env.BENCH_HEAP_FILE;
if (file) {
  v8.setFlagsFromString("--expose-gc");
  const gc = vm.runInNewContext("gc");
  const kib = (field) => {
    const match = readFileSync("/proc/self/status", "utf8").match(new RegExp(`^${field}:\\s+(\\d+) kB`, "m"));
    return match ? Number(match[1]) : undefined;
  };
  let written = false;
  const write = (reason) => {
    if (written) return;
    written = true;
    gc();
    gc();
    const heap = process.memoryUsage();
    appendFileSync(
      file,
      `${JSON.stringify({
        pid: process.pid,
        argv: process.argv,
        reason,
        heapUsedKiB: Math.round(heap.heapUsed / 1024),
        externalKiB: Math.round(heap.external / 1024),
        rssKiB: kib("VmRSS"),
        hwmKiB: kib("VmHWM"),
      })}\n`,
    );
  };
  process.on("exit", () => write("exit"));
  process.on("SIGINT", () => {
    write("SIGINT");
    process.exit(130);
  });
}
