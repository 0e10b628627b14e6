/**
 * Interrupted deployments (issue 17), through the real CLI, for one face: the deploying process is
 * killed (SIGKILL of the CLI's whole process group, as a cancelled CI job or a lost runner kills it)
 * at each point of each operation, timed by what a loopback proxy in front of the local Cinder has
 * seen. Then the recovery docs/troubleshooting.md gives (its fenced blocks, run line by line as a
 * user's shell runs them), and an audit: the stack records exactly the attachment the program
 * declares, Cinder has no other for the volume, nothing is stranded, no pending operation is left,
 * a preview shows no change, and no process of the killed run outlived it.
 *
 * The points run one after the other on one stack of one multiattach volume (a replacement there
 * makes the new attachment before it deletes the old one); each starts from what the one before left.
 */
import { execFile } from "node:child_process";
import type { CinderClient } from "../../../provider/src/cinder/client";
import { type AuditReport, audit } from "../../support/audit";
import { cinder, parseListIds } from "../../support/cinderCli";
import type { Fault } from "../../support/proxy";
import { writeReliabilitySection } from "../../support/reliabilityDoc";
import { TestVolumes, adminClient, noAuthEnv, waitForVolume } from "../../support/stack";
import { cliEnv, startCli, waitFor, withProxiedExample } from "./cli";
import { fencedBlockAfter, readDoc } from "./docs";
import { type ExampleName, type ExampleStack, attachmentsInExport, exampleDir } from "./examples";
import { processesLeftAfter } from "./processes";

/** The comment in docs/troubleshooting.md above the block that recovers from a killed `up`. */
export const UP_RECOVERY_MARKER = "<!-- recovery after a killed up: run by test/e2e/support/interrupted.ts -->";
/** The comment above the block that recovers from a killed `destroy`. */
export const DESTROY_RECOVERY_MARKER =
  "<!-- recovery after a killed destroy: run by test/e2e/support/interrupted.ts -->";

/** How long the processes of a killed run may outlive it. */
const EXIT_WITHIN_MS = 5_000;
/** How long the proxy holds an answer Cinder gave: longer than any run (the run is killed meanwhile). */
const HELD_MS = 600_000;
const INSTANCE_1 = "7b0e4c1a-5d2f-4e8a-9c3b-6f1d2e3a4b51";
const INSTANCE_2 = "7b0e4c1a-5d2f-4e8a-9c3b-6f1d2e3a4b52";
const SECOND_HOST = { host: "compute-2", hostIp: "192.0.2.20", initiator: "iqn.1993-08.org.debian:01:compute-2" };

const isCreate = (method: string, path: string) => method === "POST" && /\/attachments$/.test(path);
const isComplete = (method: string, path: string) => method === "POST" && /\/attachments\/[^/]+\/action$/.test(path);
const isUpdate = (method: string, path: string) => method === "PUT" && /\/attachments\/[^/]+$/.test(path);
const isDelete = (method: string, path: string) => method === "DELETE" && /\/attachments\/[^/]+$/.test(path);

/** The request at which the run is killed, and what becomes of it. */
interface Seizure {
  readonly matches: (method: string, path: string) => boolean;
  /** `before`: Cinder never sees it; `after`: Cinder acts on it, its answer never reaches the provider. */
  readonly when: "before" | "after";
}

/** One point at which the deploying process dies. */
interface KillPoint {
  readonly name: string;
  /** Config set before the run (a change for an update or a replacement). */
  readonly config?: Record<string, string>;
  /** A clean command run before the killed one, to start from what the point needs. */
  readonly prepare?: "destroy";
  readonly command: "up" | "destroy";
  readonly seize: Seizure;
  /** The attachments the stack must record after the recovery, as indexes of the ones Cinder has. */
  readonly convergesTo: "one" | "none";
  /** Whether the recovered attachment is the one the stack recorded before (an update in place). */
  readonly keepsAttachment?: boolean;
}

const POINTS: readonly KillPoint[] = [
  {
    name: "create: killed before the POST reached Cinder",
    command: "up",
    seize: { matches: isCreate, when: "before" },
    convergesTo: "one",
  },
  {
    name: "update: killed after Cinder answered the PUT with the new host's connector",
    config: SECOND_HOST,
    command: "up",
    seize: { matches: isUpdate, when: "after" },
    convergesTo: "one",
    keepsAttachment: true,
  },
  {
    name: "replace: killed after the new attachment was made, before the old one was deleted",
    config: { instanceUuid: INSTANCE_2 },
    command: "up",
    seize: { matches: isComplete, when: "before" },
    convergesTo: "one",
  },
  {
    name: "destroy: killed after Cinder answered the DELETE, before the state was written",
    command: "destroy",
    seize: { matches: isDelete, when: "after" },
    convergesTo: "none",
  },
  {
    name: "create: killed after Cinder answered the POST (connected, not completed)",
    command: "up",
    seize: { matches: isCreate, when: "after" },
    convergesTo: "one",
  },
  {
    name: "create: killed between the connection and os-complete",
    prepare: "destroy",
    command: "up",
    seize: { matches: isComplete, when: "before" },
    convergesTo: "one",
  },
];

/** A face as an interrupted deployment reaches it: the example program that runs it. */
export interface InterruptedFace {
  /** As in docs/reliability.md: "dynamic provider" or "resource plugin". */
  readonly name: string;
  readonly section: "interrupted-dynamic" | "interrupted-plugin";
  readonly example: ExampleName;
  /** The program's language, for the report. */
  readonly program: string;
}

interface PointResult {
  /** What Cinder had for the volume right after the kill. */
  afterKill: string;
  /** Seconds of the phases: the killed run, the recovery, the audit and preview. */
  phases: string;
  recovery: string;
  report: AuditReport;
  processesLeft: number;
  ms: number;
}

/**
 * Runs a line of a doc block with bash in the example's folder, as the user's shell would: the engine
 * on PATH, the cinder CLI's noauth variables set, and `--stack` added to each `pulumi` command (the
 * example folder holds many stacks; the user's has one selected).
 */
async function runLine(line: string, stack: ExampleStack, mark: string): Promise<string> {
  const script = line.replace(/^pulumi (\S+)/, `pulumi $1 --stack ${stack.name}`);
  const env = { ...(await cliEnv(mark)), ...noAuthEnv() };
  return new Promise((resolve, reject) =>
    execFile(
      "bash",
      ["-e", "-o", "pipefail", "-c", script],
      { cwd: exampleDir(stack.example), env, maxBuffer: 16 * 1024 * 1024 },
      (err, out, errOut) =>
        err ? reject(new Error(`${script} failed: ${err.message}\n${out}${errOut}`)) : resolve(`${out}${errOut}`),
    ),
  );
}

/** The lines of the fenced block after `marker` in docs/troubleshooting.md. */
async function docLines(marker: string): Promise<string[]> {
  return fencedBlockAfter(await readDoc("troubleshooting.md"), marker)
    .split("\n")
    .filter((line) => line.trim() !== "" && !line.trim().startsWith("#"));
}

/** Defines the suite of one face: one test per kill point, in order, and the report. */
export function interruptedSuite(face: InterruptedFace): void {
  const volumes = new TestVolumes(`e2e-killed-${face.section}`);
  const results = new Map<string, PointResult>();
  let admin: CinderClient;

  /** The attachment ids Cinder has for the volume, as the cinder CLI lists them, sorted. */
  const listed = async (volumeId: string) =>
    parseListIds(await cinder(["attachment-list", "--volume-id", volumeId], "3.27")).sort();

  beforeAll(async () => {
    admin = await adminClient();
  });
  afterAll(async () => {
    await volumes.cleanup(admin);
    if (POINTS.every((p) => results.has(p.name))) writeReliabilitySection(face.section, reportOf(face, results));
  });

  test(`${face.name}: after a SIGKILL of the deploying CLI at each point of create, update, replace and destroy, the recovery the docs give converges: the stack records exactly the declared attachment, Cinder has no other, nothing is stranded, no process outlives the killed run`, async () => {
    const volume = await volumes.create(admin, { multiattach: true });
    // The seizure of the point being run; everything else is forwarded.
    let armed: Seizure | undefined;
    let seized = false;
    const fault = (method: string, path: string): Fault => {
      if (!armed || seized || !armed.matches(method, path)) return { kind: "forward" };
      seized = true;
      return armed.when === "before" ? { kind: "drop" } : { kind: "delay-response", ms: HELD_MS };
    };
    const config = { volume: volume.id, instanceUuid: INSTANCE_1 };
    await withProxiedExample(
      "killed",
      config,
      async ({ stack, proxy, mark }) => {
        let recorded: string | undefined;
        for (const point of POINTS) {
          const began = Date.now();
          const phase: number[] = [];
          if (point.config) await stack.setConfig(point.config);
          if (point.prepare === "destroy") await stack.destroy();
          const answered = proxy.exchanges.length;
          armed = point.seize;
          seized = false;
          const run = await startCli(stack, [point.command, "--yes", "--skip-preview"], mark);
          await waitFor(
            () =>
              seized &&
              (point.seize.when === "before" ||
                proxy.exchanges.slice(answered).some((e) => point.seize.matches(e.method, e.path))),
            `the ${point.seize.when === "before" ? "request" : "answer"} the run is killed at (${point.name})`,
            180_000,
            run,
          );
          process.kill(-run.group, "SIGKILL");
          await run.exited;
          armed = undefined;
          const left = await processesLeftAfter(mark, EXIT_WITHIN_MS);
          expect(left.map((p) => `${p.role}: ${p.cmdline}`)).toEqual([]);
          const afterKill = await listed(volume.id);
          phase.push(Date.now());

          // The recovery, line by line as the docs give it.
          const marker = point.command === "up" ? UP_RECOVERY_MARKER : DESTROY_RECOVERY_MARKER;
          const lines = await docLines(marker);
          for (const line of lines) await runLine(line, stack, mark);
          phase.push(Date.now());

          // The audit: the state against Cinder, then a preview with no change.
          const exportText = await stack.exportText();
          const exported = JSON.parse(exportText) as { deployment: { pending_operations?: unknown[] } };
          expect(exported.deployment.pending_operations ?? []).toEqual([]);
          const recordedNow = attachmentsInExport(exportText);
          const ids = recordedNow.map((a) => a.id);
          expect(ids).toHaveLength(point.convergesTo === "one" ? 1 : 0);
          expect(await listed(volume.id)).toEqual(ids);
          if (point.keepsAttachment) expect(ids).toEqual([recorded]);
          const report = await audit(admin, [volume.id], ids);
          expect(report).toMatchObject({ leaked: [], missing: [], inconsistent: [], stranded: [], failed: [] });
          if (point.convergesTo === "one") {
            expect(recordedNow[0]?.outputs["status"]).toBe("attached");
            expect((await stack.preview()).steps).toEqual([]);
          }
          recorded = ids[0];
          phase.push(Date.now());
          results.set(point.name, {
            afterKill: describeIds(afterKill, recorded),
            phases: [began, ...phase]
              .slice(1)
              .map((t, i) => ((t - ([began, ...phase][i] as number)) / 1000).toFixed(1))
              .join(" + "),
            recovery: lines.map((line) => `\`${line}\``).join(", "),
            report,
            processesLeft: left.length,
            ms: Date.now() - began,
          });
        }
        await stack.destroy();
        await waitForVolume(admin, volume.id, "available", 30_000);
        expect((await audit(admin, [volume.id], [])).clean).toBe(true);
      },
      fault,
      face.example,
    );
  });
}

/** What Cinder had after the kill, against the attachment the stack records after the recovery. */
function describeIds(afterKill: readonly string[], kept: string | undefined): string {
  if (afterKill.length === 0) return "none";
  const also = afterKill.filter((id) => id !== kept).length;
  const recordedNow = afterKill.length - also;
  return [
    `${afterKill.length}:`,
    recordedNow ? "the one the stack records after the recovery" : "",
    also ? `${recordedNow ? "and " : ""}${also} gone after the recovery` : "",
  ]
    .filter(Boolean)
    .join(" ");
}

function reportOf(face: InterruptedFace, results: ReadonlyMap<string, PointResult>): string {
  const rows = POINTS.map((point) => {
    const r = results.get(point.name) as PointResult;
    const leaked = r.report.leaked.length;
    const stranded = r.report.stranded.length;
    return `| ${point.name} | \`pulumi ${point.command}\` | ${r.afterKill} | ${r.recovery} | ${leaked} | ${stranded} | ${r.processesLeft} | ${(r.ms / 1000).toFixed(1)} s (${r.phases}) |`;
  });
  const total = [...results.values()].reduce((n, r) => n + r.report.leaked.length, 0);
  return [
    `## Killed deployments: ${face.name} (${face.program} program)`,
    "",
    `By \`test/e2e/interrupted.${face.section === "interrupted-dynamic" ? "dynamic" : "plugin"}.test.ts\`. Last run: ${new Date().toISOString()}, ` +
      `${results.size} kill points. **Leaked attachments: ${total}.**`,
    "",
    `\`examples/${face.example}\` (an instance-bound, completed iSCSI attachment of a multiattach volume),`,
    "deployed by the Pulumi CLI built from source; its provider talks to the local Cinder through a loopback",
    "proxy. At each point the CLI's whole process group gets SIGKILL once the proxy has seen the request",
    "(held before Cinder) or Cinder's answer (held before the provider). Then the recovery docs/troubleshooting.md",
    "gives, and the audit: the state (`pulumi stack export`) records exactly the declared attachment and no",
    "pending operation, Cinder has no other attachment of the volume, its status agrees, nothing is stranded,",
    "`pulumi preview` shows no change. The points run in this order on one stack.",
    "",
    "| Kill point | Command killed | Attachments in Cinder after the kill | Recovery (the docs' commands) | Leaked | Stranded volumes | Processes left after 5 s | Time (killed run + recovery + audit) |",
    "| --- | --- | --- | --- | --- | --- | --- | --- |",
    ...rows,
    "",
  ].join("\n");
}
