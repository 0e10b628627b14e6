// Rebuilds dist/'s JavaScript (`npm run build:dist`: tsc and the runtime's bundle) when any of it is
// older than its sources, under .local/build.lock so that concurrent callers (jest workers, the
// bench) build once. The one staleness check of scripts/bench.sh and the e2e tests' ensurePackage.
//
//   node scripts/ensure-dist.mjs
import { execFileSync } from "node:child_process";
import { mkdirSync, readdirSync, statSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const repo = resolve(dirname(fileURLToPath(import.meta.url)), "..");

/** What dist/ is built from. */
const SOURCES = ["provider/src", "sdk", "package.json", "tsconfig.json", "tsconfig.build.json", "scripts/runtime"];
/** What the provider process and the programs load from dist/ by package name. */
const OUTPUTS = ["dist/sdk/index.js", "dist/provider/src/dynamic/runtime.js", "dist/runtime/runtime.cjs"];

function newestMtime(entry) {
  const stat = statSync(entry);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return Math.max(stat.mtimeMs, ...readdirSync(entry).map((child) => newestMtime(join(entry, child))));
}

function oldestOutput() {
  const times = OUTPUTS.map((output) => statSync(join(repo, output), { throwIfNoEntry: false })?.mtimeMs);
  return times.includes(undefined) ? undefined : Math.min(...times);
}

function stale() {
  const built = oldestOutput();
  return built === undefined || built < Math.max(...SOURCES.map((source) => newestMtime(join(repo, source))));
}

// Under the lock (the second run, `--locked`), checked again: another caller may have built it
// while this one waited.
if (stale()) {
  if (process.argv.includes("--locked")) {
    execFileSync("npm", ["run", "--silent", "build:dist"], { cwd: repo, stdio: "inherit" });
  } else {
    mkdirSync(join(repo, ".local"), { recursive: true });
    const lock = join(repo, ".local/build.lock");
    execFileSync("flock", [lock, process.execPath, fileURLToPath(import.meta.url), "--locked"], {
      cwd: repo,
      stdio: "inherit",
    });
  }
}
