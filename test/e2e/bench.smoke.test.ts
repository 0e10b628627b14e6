/**
 * Keeps the benchmark working: runs its quick version (`npm run bench -- --quick`) against the local
 * stack and the real engine, with the report written to a temporary folder, and checks the
 * deterministic part of what it measured: request counts per operation, per `pulumi up`/`destroy`,
 * and token requests. Times are not asserted (this is not a timed test).
 */
import { execFile } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import * as path from "node:path";
import type { BenchSummary } from "../../bench/report";

jest.setTimeout(900_000);

const repoRoot = path.resolve(__dirname, "..", "..");

function runBench(args: string[]): Promise<{ stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    execFile(
      "bash",
      [path.join(repoRoot, "scripts", "bench.sh"), ...args],
      { cwd: repoRoot, env: process.env, maxBuffer: 64 * 1024 * 1024, timeout: 880_000 },
      (err, stdout, stderr) => {
        if (err) reject(new Error(`bench failed: ${err.message}\n${stderr.slice(-6000)}`));
        else resolve({ stdout, stderr });
      },
    );
  });
}

let dir: string;
let report: string;
let summary: BenchSummary;

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "bench-smoke-"));
  const out = path.join(dir, "RESULTS.md");
  const json = path.join(dir, "summary.json");
  await runBench(["--quick", "--out", out, "--json", json]);
  report = await readFile(out, "utf8");
  summary = JSON.parse(await readFile(json, "utf8")) as BenchSummary;
});

afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

test("the quick run writes a report with the machine, the targets and all three parts", () => {
  expect(summary.mode).toBe("quick");
  for (const heading of [
    "# Benchmark results",
    "## Machine",
    "## Targets",
    "## 1. Per operation",
    "### Requests per operation",
    "### The resource plugin beside the provider methods",
    "## Start-up of the resource plugin",
    "### Through the resource plugin (Pulumi YAML) beside the dynamic provider (TypeScript)",
    "## 2. `pulumi up` / `pulumi destroy` through the engine",
    "## 3. Token requests with Keystone",
  ]) {
    expect(report).toContain(heading);
  }
  expect(report).toMatch(/\| Node\.js \| v\d+/);
  expect(report).toMatch(/\| python-cinderclient \| \d+\.\d+/);
});

test("the raw request and the provider each send the minimal number of requests per operation", () => {
  const minimal = {
    reserve: 1,
    createConnected: 1,
    createCompleted: 2,
    update: 1,
    complete: 1,
    read: 1,
    deleteReserved: 1,
    delete: 1,
  };
  expect(summary.requests.raw).toEqual(minimal);
  expect(summary.requests.provider).toEqual(minimal);
  // Once per provider process: version discovery.
  expect(summary.providerSetupRequests).toBe(1);
  // The provider's own counter agrees with the proxy's.
  expect(summary.providerSelfCount?.stats).toBe(summary.providerSelfCount?.proxy);
  // The peers ran too (their counts are python-cinderclient's and openstacksdk's business).
  expect(Object.keys(summary.requests.cinderclient ?? {})).toHaveLength(8);
  expect(Object.keys(summary.requests.openstacksdk ?? {})).toHaveLength(8);
});

test("the resource plugin sends the same requests per operation as the provider (one core), after one discovery per process", () => {
  expect(summary.requests.plugin).toEqual(summary.requests.provider);
  expect(summary.pluginSetupRequests).toBe(1);
});

test("the start-up part measured the plugin's starts and the node -e 0 floor", () => {
  expect(summary.startup?.starts).toBe(5);
  // Serving (Configure answered) comes after the port is printed, which comes after a bare node start.
  expect(summary.startup?.configureMs).toBeGreaterThan(summary.startup?.portMs ?? Infinity);
  expect(summary.startup?.portMs).toBeGreaterThan(summary.startup?.nodeFloorMs ?? Infinity);
});

test("pulumi up / destroy of one attachment through the plugin (YAML program) sends what the dynamic provider sends", () => {
  expect(summary.pluginEngine.map((run) => [run.op, run.n])).toEqual([
    ["up", 1],
    ["destroy", 1],
  ]);
  for (const run of summary.pluginEngine) {
    if (run.serverErrors > 0) continue; // the shared Cinder failed some requests; the plugin recovered
    expect(run.byKind).toEqual(
      run.op === "up"
        ? { "GET /": 1, "POST /v3/attachments": 1, "POST /v3/attachments/{id}/action": 1 }
        : { "GET /": 1, "DELETE /v3/attachments/{id}": 1 },
    );
  }
});

test("the plugin's state per attachment is at most a third of the dynamic provider's", () => {
  expect(summary.statePerAttachment?.n).toBe(1);
  expect(summary.statePerAttachment?.plugin).toBeGreaterThan(0);
  expect(summary.statePerAttachment?.ratio).toBeLessThanOrEqual(1 / 3);
});

test("pulumi up of N attachments sends 2N + 1 requests (discovery, create, complete) and destroy N + 1", () => {
  const ups = summary.engine.filter((run) => run.op === "up");
  const destroys = summary.engine.filter((run) => run.op === "destroy");
  expect(ups.map((run) => run.n)).toEqual([1, 3]);
  expect(destroys.map((run) => run.n)).toEqual([1, 3]);
  for (const run of [...ups, ...destroys]) {
    const expected =
      run.op === "up"
        ? { "GET /": 1, "POST /v3/attachments": run.n, "POST /v3/attachments/{id}/action": run.n }
        : { "GET /": 1, "DELETE /v3/attachments/{id}": run.n };
    if (run.serverErrors === 0) {
      expect(run.byKind).toEqual(expected);
      expect(run.requests).toBe(run.op === "up" ? 2 * run.n + 1 : run.n + 1);
    } else {
      // The shared local Cinder failed some requests under load and the provider recovered:
      // more requests than the minimum, never fewer.
      expect(run.requests).toBeGreaterThan(run.op === "up" ? 2 * run.n + 1 : run.n + 1);
    }
  }
});

test("with Keystone, a provider process asks for one token per identity", () => {
  const byLabel = Object.fromEntries(summary.tokens.map((count) => [count.label, count.tokenRequests]));
  expect(byLabel).toEqual({ "provider, user": 1, "provider, user + service user": 2 });
  expect(summary.keystoneEngine.length).toBeGreaterThan(0);
  for (const run of summary.keystoneEngine) {
    // One token per identity (the user, and the service user when configured) for the whole `up` or `destroy`.
    const identities = run.label.includes("service user") ? 2 : 1;
    expect(run.tokenRequests).toBe(identities);
    expect(run.requests).toBe(identities);
  }
});
