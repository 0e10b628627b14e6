/**
 * Fault scenarios through the real Pulumi engine: `pulumi up` (or `destroy`) of the iscsi-attach
 * example while cinder-volume or cinder-api is killed and restarted, or while a loopback proxy loses
 * Cinder's answers. Then a convergence `up` without the fault, an AUDIT of Cinder against the stack's
 * state as `pulumi stack export` shows it (the attachments Cinder has for the volume are exactly the
 * recorded ones, statuses agree, nothing stranded), a destroy and the audit again with nothing
 * recorded; and a scan of everything the CLI printed, and of the export, for the CHAP credentials.
 *
 * The daemons killed are the suite's own (test/support/privateCinder.ts): a cinder-volume whose
 * backend, in an availability zone of its own, holds only this suite's volume, and a cinder-api on a
 * port of its own; the stack's daemons, which other suites use meanwhile, are not touched. The suite
 * writes its section of docs/reliability.md.
 */
import type { CinderClient } from "../../provider/src/cinder/client";
import { type AuditReport, audit } from "../support/audit";
import { PrivateCinderApi, PrivateCinderVolume } from "../support/privateCinder";
import { type CinderProxy, type Fault, startProxy } from "../support/proxy";
import { writeReliabilitySection } from "../support/reliabilityDoc";
import { TestVolumes, adminClient, waitForVolume } from "../support/stack";
import { type ExampleStack, type RecordedAttachment, attachmentsInExport, withExample } from "./support/examples";

jest.setTimeout(300_000);

/**
 * The whole suite must stay under this (bounded in count and time): 7 scenarios of about a minute
 * each, on a 2-core machine that runs the other e2e files beside it.
 */
const SUITE_BUDGET_MS = 600_000;
/** Seconds the private backend's driver takes to connect or disconnect: the window a kill lands in. */
const DRIVER_SECONDS = 1;
/** The provider's per-request timeout in these stacks, in seconds. */
const REQUEST_TIMEOUT_S = 4;
const INSTANCE = "6f0c7c0e-3a52-4b8e-9d0e-2a1f4c5b6e01";

const CREATE = (m: string, p: string) => m === "POST" && p === "/v3/attachments";
const COMPLETE = (m: string, p: string) => m === "POST" && /^\/v3\/attachments\/[^/]+\/action$/.test(p);
const UPDATE = (m: string, p: string) => m === "PUT" && p.startsWith("/v3/attachments/");
const DELETE = (m: string, p: string) => m === "DELETE" && p.startsWith("/v3/attachments/");
/** The host an update scenario moves the attachment to (the example's default is compute-1). */
const SECOND_HOST = { host: "compute-2", hostIp: "192.0.2.20", initiator: "iqn.1993-08.org.debian:01:compute-2" };

/** One scenario: when the fault is active, what it does, and what must come of it. */
interface Scenario {
  readonly name: string;
  /** What is injected, for the report. */
  readonly injected: string;
  /**
   * The operation run under the fault: an `up` that creates; an `up` that moves what a clean up made
   * to another host (an in-place update: attachment-update with the new connector); or a `destroy`
   * of what a clean up made.
   */
  readonly phase: "up" | "update" | "destroy";
  /** A fresh decision per run for each request through the proxy; it may kill and restart daemons. */
  readonly fault: () => (method: string, path: string) => Fault;
  /** Whether the operation under the fault must already succeed; otherwise it may fail, but cleanly. */
  readonly faultySucceeds: boolean;
  /** Whether the failed `up` must leave the resource in the state as a partial create (`initErrors`). */
  readonly leavesPartialCreate?: boolean;
}

/** Runs `action` once, on the first request that `match`es; forwards everything. */
function onFirst(match: (method: string, path: string) => boolean, action: () => void, fault: Fault = FORWARD) {
  return () => {
    let done = false;
    return (method: string, path: string): Fault => {
      if (done || !match(method, path)) return FORWARD;
      done = true;
      action();
      return fault;
    };
  };
}
const FORWARD: Fault = { kind: "forward" };

const volumeService = new PrivateCinderVolume({ connectionDelaySeconds: DRIVER_SECONDS });
/** Waits 10 s (not Cinder's 60 s) for an RPC answer a killed cinder-volume will never send. */
const RPC_TIMEOUT_S = 10;
const apiService = new PrivateCinderApi("cinder-api-faults-engine", RPC_TIMEOUT_S);

const SCENARIOS: Scenario[] = [
  {
    name: "cinder-volume killed while the driver connects (up)",
    injected: `SIGKILL of the volume's cinder-volume 400 ms after the POST /attachments reaches cinder-api (the driver takes ${DRIVER_SECONDS} s to connect; the RPC is lost), started again at once`,
    phase: "up",
    fault: onFirst(CREATE, () => void volumeService.restart({ afterMs: 400 })),
    faultySucceeds: true,
  },
  {
    name: "cinder-volume down for 8 s from the create on (up)",
    injected:
      "SIGTERM of the volume's cinder-volume when the POST /attachments reaches cinder-api, started again 8 s later (the RPC waits in RabbitMQ)",
    phase: "up",
    fault: onFirst(CREATE, () => void volumeService.restart({ signal: "SIGTERM", downMs: 8_000 })),
    faultySucceeds: true,
  },
  {
    name: "cinder-volume killed while the driver connects the new host (update)",
    injected: `SIGKILL of the volume's cinder-volume 400 ms after the PUT /attachments/{id} with the new host's connector reaches cinder-api (the driver takes ${DRIVER_SECONDS} s), started again at once`,
    phase: "update",
    fault: onFirst(UPDATE, () => void volumeService.restart({ afterMs: 400 })),
    faultySucceeds: true,
  },
  {
    name: "cinder-volume killed while the driver disconnects (destroy)",
    injected: `SIGKILL of the volume's cinder-volume 400 ms after the DELETE reaches cinder-api (the driver takes ${DRIVER_SECONDS} s to disconnect), started again at once`,
    phase: "destroy",
    fault: onFirst(DELETE, () => void volumeService.restart({ afterMs: 400 })),
    faultySucceeds: true,
  },
  {
    name: "cinder-api killed during the create (up)",
    injected:
      "SIGKILL of the suite's own cinder-api 50 ms after the POST /attachments reaches it, started again at once",
    phase: "up",
    fault: onFirst(CREATE, () => void apiService.restart({ afterMs: 50 })),
    faultySucceeds: true,
  },
  {
    name: "the create's answer lost after Cinder acted (up)",
    injected: "the first POST /attachments forwarded, the connection reset before its answer",
    phase: "up",
    fault: onFirst(CREATE, () => undefined, { kind: "drop-response" }),
    faultySucceeds: true,
  },
  {
    name: "every os-complete refused: a partial create in the state (up)",
    injected: "every os-complete answered 503 by the proxy; the engine records the attachment with initErrors",
    phase: "up",
    fault: () => (method, path) => (COMPLETE(method, path) ? { kind: "respond", status: 503 } : FORWARD),
    faultySucceeds: false,
    leavesPartialCreate: true,
  },
];

// ----------------------------------------------------------------------------------------- runs --

interface RunResult {
  faulty: string;
  convergence: string;
  /** The requests the provider sent under the fault, in order (see {@link summarizeTrace}). */
  requests: string;
  report: AuditReport;
  afterDestroy: AuditReport;
  ms: number;
}

const results = new Map<string, RunResult>();
/** Everything the CLI printed, every error, and every export: scanned for the credentials. */
const printed: string[] = [];
const credentials = new Set<string>();
const volumes = new TestVolumes("faults-engine");
let admin: CinderClient;
let volume: string;
const suiteStarted = Date.now();
/** Set by the secret scan once it passed: the report is written only then. */
let scanned = false;

beforeAll(async () => {
  admin = await adminClient();
  await Promise.all([volumeService.start(), apiService.start()]);
  volume = (await volumeService.createVolume(admin, volumes)).id;
}, 120_000);

afterAll(async () => {
  await Promise.all([volumeService.settled(), apiService.settled()]).catch(() => undefined);
  await volumes.cleanup(admin);
  await Promise.all([volumeService.stop(), apiService.stop()]);
  if (SCENARIOS.every((s) => results.has(s.name)) && scanned) writeReliabilitySection("engine", reliabilityDoc());
}, 120_000);

/**
 * The provider's error in a failed CLI run (the first `* ...` item under "error: N error(s) occurred",
 * else the first `error:` line), ids masked, shortened for the report.
 */
function engineError(err: unknown): string {
  const text = err instanceof Error ? err.message : String(err);
  printed.push(text);
  const lines = text.split("\n").map((l) => l.trim());
  const line = lines.find((l) => l.startsWith("* ")) ?? lines.find((l) => l.startsWith("error: ")) ?? lines[0] ?? "";
  const masked = line
    .replace(/^\* /, "")
    .replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g, "<id>");
  return masked.length > 110 ? `${masked.slice(0, 107)}...` : masked;
}

/** Runs `operation`, returning "succeeded" or the failure's summary. */
async function outcome(operation: () => Promise<{ log?: string; stdout?: string; stderr?: string }>) {
  try {
    const result = await operation();
    printed.push(result.log ?? `${result.stdout ?? ""}\n${result.stderr ?? ""}`);
    return "succeeded";
  } catch (err) {
    return `failed cleanly (${engineError(err)})`;
  }
}

/** The attachments in the stack's state, from one `pulumi stack export` whose text joins the secret scan. */
async function exported(s: ExampleStack): Promise<RecordedAttachment[]> {
  const text = await s.exportText();
  printed.push(text);
  return attachmentsInExport(text);
}

const ids = (attachments: readonly RecordedAttachment[]) => attachments.map((a) => a.id);

describe.each(SCENARIOS.map((s) => [s.name, s] as const))("%s", (_name, scenario) => {
  test(`${scenario.injected}; then a clean run converges and the audit of Cinder against the exported state finds nothing leaked`, async () => {
    expect(Date.now() - suiteStarted).toBeLessThan(SUITE_BUDGET_MS);
    const started = Date.now();
    // An update or destroy scenario first brings the stack up cleanly.
    let faultActive = scenario.phase === "up";
    const trace: string[] = [];
    const decide = scenario.fault();
    const proxy: CinderProxy = await startProxy(apiService.origin, (method, path) => {
      if (!faultActive) return FORWARD;
      trace.push(`${method} ${path}`);
      return decide(method, path);
    });
    try {
      await withExample(
        "iscsi-attach",
        "faults",
        {
          config: {
            volume,
            instanceUuid: INSTANCE,
            "cinder:endpoint": `${proxy.url}/v3`,
            "cinder:requestTimeout": String(REQUEST_TIMEOUT_S),
            "cinder:waitTimeout": "120",
          },
        },
        async (s) => {
          // 1. The operation under the fault.
          let faulty: string;
          let before: string | undefined;
          if (scenario.phase === "destroy") {
            await s.up();
            faultActive = true;
            faulty = await outcome(() => s.destroy());
          } else if (scenario.phase === "update") {
            before = (await s.up()).outputs["attachmentId"] as string;
            await s.setConfig(SECOND_HOST);
            faultActive = true;
            faulty = await outcome(() => s.up());
          } else {
            faulty = await outcome(() => s.up());
          }
          await proxy.idle();
          await Promise.all([volumeService.settled(), apiService.settled()]);
          faultActive = false;
          if (scenario.faultySucceeds) expect(faulty).toBe("succeeded");
          if (scenario.leavesPartialCreate) {
            expect(faulty).toMatch(/^failed cleanly/);
            const partial = await exported(s);
            expect(partial).toHaveLength(1);
            expect(partial[0]?.initErrors?.length).toBeGreaterThan(0);
          }

          // 2. The same operation without the fault converges.
          let convergence: string;
          let report: AuditReport;
          if (scenario.phase === "destroy") {
            convergence = await outcome(() => s.destroy());
            expect(convergence).toBe("succeeded");
            report = await audit(admin, [volume], ids(await exported(s)));
          } else {
            convergence = await outcome(() => s.up());
            expect(convergence).toBe("succeeded");
            const outputs = await s.outputs();
            expect(outputs).toMatchObject({ status: "attached", driverVolumeType: "iscsi", authMethod: "CHAP" });
            for (const key of ["chapUsername", "chapPassword"]) credentials.add(String(outputs[key]));
            const recorded = await exported(s);
            expect(recorded.map((a) => a.initErrors ?? [])).toEqual([[]]);
            // An update keeps the attachment (in place, not a replacement).
            if (before) expect(outputs["attachmentId"]).toBe(before);
            report = await audit(admin, [volume], ids(recorded));
            expect((await s.preview()).steps).toEqual([]);
          }
          // 3. The audit: Cinder has exactly what the state records.
          expect(report).toMatchObject({ leaked: [], missing: [], inconsistent: [], stranded: [], failed: [] });

          // 4. Destroy (for a destroy scenario: done), and the audit again: nothing left.
          if (scenario.phase !== "destroy") expect(await outcome(() => s.destroy())).toBe("succeeded");
          await waitForVolume(admin, volume, "available", 30_000);
          const afterDestroy = await audit(admin, [volume], ids(await exported(s)));
          expect(afterDestroy.clean).toBe(true);
          results.set(scenario.name, {
            faulty,
            convergence,
            requests: summarizeTrace(trace),
            report,
            afterDestroy,
            ms: Date.now() - started,
          });
        },
      );
    } finally {
      faultActive = false;
      await proxy.close();
    }
  });
});

test("secrets: the CHAP username and password of every run are in nothing the CLI printed, no error and no state export", () => {
  const secrets = [...credentials].filter((secret) => secret.length >= 6 && secret !== "undefined");
  // The fixture driver makes one CHAP username and password per volume export: at least that pair.
  expect(secrets.length).toBeGreaterThanOrEqual(2);
  const everything = printed.join("\n");
  expect(everything.length).toBeGreaterThan(0);
  expect(secrets.filter((secret) => everything.includes(secret))).toEqual([]);
  scanned = true;
});

// --------------------------------------------------------------------------------------- report --

/**
 * Requests as `METHOD /path` without the version prefix, ids and queries, and without the version
 * discovery (`GET /`); a request repeated in a row shown once with its count: what the provider did.
 */
function summarizeTrace(trace: readonly string[]): string {
  const steps: { request: string; times: number }[] = [];
  for (const line of trace) {
    const request = line
      .replace(/\?.*$/, "")
      .replace("/v3/", "/")
      .replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g, "{id}");
    if (request === "GET /") continue;
    const last = steps[steps.length - 1];
    if (last?.request === request) last.times += 1;
    else steps.push({ request, times: 1 });
  }
  return steps.map(({ request, times }) => (times > 1 ? `${request} ×${times}` : request)).join(", ");
}

function reliabilityDoc(): string {
  const rows = SCENARIOS.map((s) => {
    const r = results.get(s.name);
    if (!r) return `| ${s.name} | 0 | ${s.injected} | | | | | | |`;
    const leaked = r.report.leaked.length + r.afterDestroy.leaked.length;
    const stranded = r.report.stranded.length + r.afterDestroy.stranded.length;
    const operation = s.phase === "destroy" ? "destroy" : "up";
    return `| ${s.name} | 1 | ${s.injected} | ${r.requests} | ${operation}: ${r.faulty} | ${r.convergence} | ${leaked} | ${stranded} | ${(r.ms / 1000).toFixed(1)} s |`;
  });
  const leakedTotal = [...results.values()].reduce(
    (n, r) => n + r.report.leaked.length + r.afterDestroy.leaked.length,
    0,
  );
  return [
    "## Through the real engine: daemons killed during `pulumi up` and `pulumi destroy`",
    "",
    "By `test/e2e/faults.engine.test.ts` (`npx jest --selectProjects e2e --testPathPatterns faults.engine`).",
    "",
    `Last run: ${new Date().toISOString()}, ${results.size} scenarios in ${((Date.now() - suiteStarted) / 1000).toFixed(0)} s. ` +
      `**Leaked attachments: ${leakedTotal}.**`,
    "",
    "Each scenario is a stack of `examples/iscsi-attach` (an instance-bound, completed iSCSI attachment)",
    "run by the Pulumi CLI built from source, its provider talking through a loopback proxy (request",
    `timeout ${REQUEST_TIMEOUT_S} s) to a cinder-api of the suite's own (RPC timeout ${RPC_TIMEOUT_S} s instead of 60 s, so that a`,
    "request whose RPC a killed cinder-volume lost ends sooner). The volume lives on a cinder-volume of",
    `the suite's own: a backend in an availability zone of its own, whose driver takes ${DRIVER_SECONDS} s to connect or`,
    "disconnect. Killing either disturbs no other suite; both share the stack's database, RabbitMQ and",
    "scheduler. The operation under the fault is followed by the same operation without it, then an audit",
    "of Cinder against `pulumi stack export`: the volume's attachments in Cinder are exactly those in the",
    "state, the volume's status agrees, none is stranded; then `pulumi preview` shows no change, a destroy,",
    "and the audit again with nothing recorded. The requests column is what the provider sent while the",
    "fault was active (ids as `{id}`, repeats as `×n`).",
    "",
    "| Scenario | Runs | Injected | Requests under the fault | Under the fault | Without it | Leaked attachments | Stranded volumes | Time |",
    "| --- | --- | --- | --- | --- | --- | --- | --- | --- |",
    ...rows,
    "",
    "Secret scan: the CHAP usernames and passwords of every run appear in nothing the CLI printed (`up`,",
    "`destroy`, the errors of failed runs) and in no `pulumi stack export`.",
    "",
  ].join("\n");
}
