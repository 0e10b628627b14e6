/**
 * Keeps the benchmark working: runs its quick version (`npm run bench -- --quick`) against the local
 * stack and the real engine, with the report written to a temporary folder, and checks the
 * deterministic part of what it measured: request counts per operation, per `pulumi up` / `preview`
 * / `refresh` / `destroy` of N = 1 and 10 through each face (exactly the fewest, from the bench's
 * own `minimalRequests`), and token requests. Times are not asserted (this is not a timed test).
 */
import { execFile } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { ENGINE_COMMANDS, minimalRequests, minimalTotal } from "../../bench/minimal";
import type { BenchSummary, EngineSummary } from "../../bench/report";

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
    "## 2. Through the engine: `up`, `preview`, `refresh`, `destroy` as N grows",
    "### The limit: the same requests as raw HTTP",
    "## 3. Token requests with Keystone",
  ]) {
    expect(report).toContain(heading);
  }
  expect(report).toMatch(/\| Node\.js \| v\d+/);
  expect(report).toMatch(/\| python-cinderclient \| \d+\.\d+/);
});

test("the raw request sends the fewest requests per operation, and the provider what the core sends by design", () => {
  // The API's fewest: one request per operation, two for a create with complete.
  expect(summary.expectedPerOperation.raw).toEqual({
    reserve: 1,
    createConnected: 1,
    createCompleted: 2,
    update: 1,
    complete: 1,
    read: 1,
    deleteReserved: 1,
    delete: 1,
  });
  expect(summary.requests.raw).toEqual(summary.expectedPerOperation.raw);
  // The same, but a create with an instanceUuid (reserve) looks for an orphan first once the core does (bench/minimal.ts).
  expect(summary.requests.provider).toEqual(summary.expectedPerOperation.provider);
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

test("neither face's state carries provider code: each attachment's entry is under 4 KiB", () => {
  // The dynamic provider's entries held its serialized provider code, 12.8 KiB each; a provider
  // module of one line now, the plugin's none.
  expect(summary.statePerAttachment?.n).toBe(10);
  expect(summary.statePerAttachment?.plugin).toBeGreaterThan(0);
  expect(summary.statePerAttachment?.plugin).toBeLessThan(4096);
  expect(summary.statePerAttachment?.dynamic).toBeGreaterThan(0);
  expect(summary.statePerAttachment?.dynamic).toBeLessThan(4096);
});

/** The runs that got no 5xx from the shared Cinder (a recovered failure costs requests: those are checked apart). */
function undisturbed(runs: readonly EngineSummary[]): EngineSummary[] {
  return runs.filter((run) => run.serverErrors === 0);
}

describe.each([
  ["the dynamic provider (TypeScript program)", "dynamic", () => summary.engine],
  ["the resource plugin (YAML program)", "plugin", () => summary.pluginEngine],
] as const)("through %s", (_label, face, runsOf) => {
  test("the quick run covers up, preview, refresh and destroy of N = 1 and 10, in that order", () => {
    expect(runsOf().map((run) => `${run.op} ${run.n}`)).toEqual(
      [1, 10].flatMap((n) => ENGINE_COMMANDS.map((op) => `${op} ${n}`)),
    );
  });

  test("every command sends exactly the fewest requests of each kind (bench/minimal.ts's minimalRequests)", () => {
    const runs = undisturbed(runsOf());
    const sent = Object.fromEntries(runs.map((run) => [`${run.op} N=${run.n}`, run.byKind]));
    const fewest = Object.fromEntries(
      runs.map((run) => [`${run.op} N=${run.n}`, minimalRequests(face, run.op, run.n)]),
    );
    expect(sent).toEqual(fewest);
    // What that means today: up 2N + 1 (discovery, N creates, N completes), preview nothing, refresh
    // N reads, destroy N deletes (no discovery where no gate is open).
    expect(minimalTotal(face, "up", 10)).toBeGreaterThanOrEqual(21);
    expect(minimalRequests(face, "preview", 10)).toEqual({});
    expect(minimalRequests(face, "refresh", 10)).toEqual({ "GET /v3/attachments/{id}": 10 });
    expect(minimalRequests(face, "destroy", 10)).toEqual({ "DELETE /v3/attachments/{id}": 10 });
  });

  test("a run the shared Cinder disturbed (a 5xx, recovered) sent more requests than the fewest, never fewer", () => {
    for (const run of runsOf().filter((r) => r.serverErrors > 0)) {
      expect(run.requests).toBeGreaterThan(minimalTotal(face, run.op, run.n));
    }
  });
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
