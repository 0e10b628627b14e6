/**
 * Where the fixed cost goes (issue #15, part 2): one `pulumi up --yes` (preview included, as a user
 * runs it) of one attachment per face, the dynamic provider from a TypeScript program and the
 * resource plugin from a YAML program, each in a project folder of its own, on a timeline from the
 * CLI's spawn: when the language host, the program and the provider process of the preview and of
 * the update started and ended (the CLI's descendants in /proc, polled every 10 ms, their start
 * from /proc/<pid>/stat), and when Cinder's requests came and were answered (the recording proxy).
 * Beside it, what a Node.js process pays to load what each part loads, measured alone.
 */
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { promises as fs, readFileSync, readdirSync } from "node:fs";
import * as path from "node:path";
import { performance } from "node:perf_hooks";
import { LocalWorkspace, PulumiCommand, type Stack } from "@pulumi/pulumi/automation";
import { type CinderProxy, startProxy } from "../test/support/proxy";
import { registerCleanup } from "./cleanup";
import { BENCH_PROJECT, noauthStackConfig, removeBackendLeftovers } from "./engine";
import { type EngineInfo, repoRoot, viaOrigin } from "./env";
import { type EngineFace, isProviderProcess, writeYamlProgram } from "./pluginEngine";
import { median, table, warmMedian } from "./stats";
import { engineFloor } from "./engineFloor";
import { writeTypeScriptProgram } from "./ours";
import { nodeFloor, startOnce } from "./startup";

/** What a process of the run is. */
export type ProcessKind = "language host" | "program" | "provider";

/** One process of the run, on the timeline (ms from the CLI's spawn). */
export interface ProcessSpan {
  readonly kind: ProcessKind;
  /** Its command line, shortened (paths to their last two parts). */
  readonly command: string;
  readonly startMs: number;
  /** When it was last seen (within 10 ms of its end). */
  readonly endMs: number;
}

/** One Cinder exchange on the timeline. */
export interface CinderSpan {
  readonly request: string;
  readonly startMs: number;
  readonly endMs: number;
}

/** One face's `pulumi up --yes` of one attachment. */
export interface FaceProfile {
  readonly face: EngineFace;
  readonly wallMs: number;
  /** In order of start: the preview's, then the update's. */
  readonly processes: ProcessSpan[];
  readonly cinder: CinderSpan[];
}

/** A module load measured alone: wall time of `node -e <code>`, median of its runs. */
export interface LoadCost {
  readonly label: string;
  readonly ms: number;
}

/** What the profile part measured. */
export interface ProfileResult {
  readonly faces: FaceProfile[];
  readonly loads: LoadCost[];
  /** Runs of each stand-alone load. */
  readonly loadRuns: number;
}

/** The TypeScript program of one attachment (the dynamic provider), as in examples/iscsi-attach. */
const TS_PROGRAM = `import * as pulumi from "@pulumi/pulumi";
import { VolumeAttachment } from "pulumi-cinder-attachment";

const config = new pulumi.Config();
new VolumeAttachment("data-0", {
  volumeId: config.require("volume"),
  connector: { initiator: "iqn.1993-08.org.debian:01:bench-0", ip: "192.0.2.20", host: "bench-host-0" },
});
`;

/** Clock ticks of the kernel's process start times (USER_HZ; 100 on Linux). */
const TICK_MS = 10;

function startTicks(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  // Fields after the command name (which may hold spaces) start at ")"; starttime is field 22.
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return Number(fields[19]);
}

function parentOf(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  return Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
}

/** Polls /proc for the descendants of one process and classifies them by command line. */
class ProcessWatch {
  private readonly seen = new Map<number, { kind?: ProcessKind; command: string; startMs: number; endMs: number }>();
  private readonly parents = new Map<number, number>();
  private timer?: NodeJS.Timeout;
  private rootTicks = 0;

  constructor(
    private readonly root: number,
    private readonly spawnedAt: number,
    private readonly face: EngineFace,
  ) {}

  start(): void {
    try {
      this.rootTicks = startTicks(this.root);
    } catch {
      return;
    }
    this.sample();
    this.timer = setInterval(() => this.sample(), 10);
  }

  stop(): ProcessSpan[] {
    if (this.timer) clearInterval(this.timer);
    return [...this.seen.values()]
      .filter((p): p is { kind: ProcessKind; command: string; startMs: number; endMs: number } => p.kind !== undefined)
      .map((p) => ({ kind: p.kind, command: p.command, startMs: p.startMs, endMs: p.endMs }))
      .sort((a, b) => a.startMs - b.startMs);
  }

  private descends(pid: number): boolean {
    for (let current = pid, hops = 0; hops < 8; hops += 1) {
      if (current === this.root) return true;
      if (current <= 1) return false;
      let parent = this.parents.get(current);
      if (parent === undefined) {
        parent = parentOf(current);
        this.parents.set(current, parent);
      }
      current = parent;
    }
    return false;
  }

  private classify(argv: readonly string[]): ProcessKind | undefined {
    const command = path.basename(argv[0] ?? "");
    if (command.startsWith("pulumi-language-")) return "language host";
    if (isProviderProcess(this.face, argv)) return "provider";
    if (argv.some((a) => /@pulumi\/pulumi\/cmd\/run(\/index\.js)?$/.test(a) || /\/cmd\/run\/index\.js$/.test(a))) {
      return "program";
    }
    return undefined;
  }

  private sample(): void {
    const now = performance.now() - this.spawnedAt;
    for (const entry of readdirSync("/proc")) {
      if (!/^\d+$/.test(entry)) continue;
      const pid = Number(entry);
      if (pid === this.root) continue;
      try {
        const known = this.seen.get(pid);
        if (!known && !this.descends(pid)) continue;
        // Read afresh each time: between fork and exec a child still shows its parent's command line
        // (a language host's program process looks like a language host at first).
        const argv = readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0");
        const command = argv
          .filter((a) => a !== "")
          .map((a) => a.split("/").slice(-2).join("/").slice(0, 60))
          .join(" ");
        // A process that has ended but is not reaped yet (a zombie) shows an empty one: it is gone.
        if (command === "") continue;
        if (known) {
          known.endMs = now;
          if (known.command !== command) {
            known.command = command;
            known.kind = this.classify(argv);
          }
          continue;
        }
        const startMs = (startTicks(pid) - this.rootTicks) * TICK_MS;
        this.seen.set(pid, { kind: this.classify(argv), command, startMs, endMs: now });
      } catch {
        // Gone between listing and reading.
      }
    }
  }
}

/** Wall time of `node <nodeArgs> -e code` in the repository, median of `runs` (after one not counted). */
async function loadCost(
  label: string,
  code: string,
  runs: number,
  nodeArgs: readonly string[] = [],
): Promise<LoadCost> {
  const once = () =>
    new Promise<number>((resolve, reject) => {
      const started = performance.now();
      const child = spawn("node", [...nodeArgs, "-e", code], { cwd: repoRoot, stdio: "ignore" });
      child.once("error", reject);
      child.once("exit", (status) =>
        status === 0 ? resolve(performance.now() - started) : reject(new Error(`node -e ${code} exited ${status}`)),
      );
    });
  return { label, ms: await warmMedian(runs, once) };
}

/** `runs` results of `measure`, one after the other. */
async function sequentially(runs: number, measure: () => Promise<number>): Promise<number[]> {
  const samples: number[] = [];
  for (let i = 0; i < runs; i += 1) samples.push(await measure());
  return samples;
}

/** Options of {@link runProfile}. */
export interface ProfileOptions {
  readonly engine: EngineInfo;
  /** An available volume (one attachment). */
  readonly volume: string;
  /** Frees the volume after a failed run. */
  readonly release: () => Promise<void>;
  readonly log: (line: string) => void;
  /** Runs of each stand-alone load. */
  readonly loadRuns: number;
}

/** Profiles one `pulumi up --yes` per face, then the stand-alone loads. */
export async function runProfile(options: ProfileOptions): Promise<ProfileResult> {
  const faces: FaceProfile[] = [];
  for (const face of ["dynamic", "plugin"] as const) faces.push(await profileFace(face, options));
  const n = options.loadRuns;
  const sdk = "pulumi-cinder-attachment";
  const loads = [
    { label: "`node -e 0` (a bare Node.js process)", ms: median(await sequentially(n, nodeFloor)) },
    await loadCost(
      '`require("@pulumi/pulumi")` (program and dynamic provider each load it)',
      'require("@pulumi/pulumi")',
      n,
    ),
    await loadCost(
      '`require("@pulumi/pulumi")` with the code cache the Node host and the launchers preload (`node-compile-cache.js`)',
      'require("@pulumi/pulumi")',
      n,
      ["--require", path.join(path.dirname(options.engine.pulumi), "node-compile-cache.js")],
    ),
    await loadCost(
      `\`require("${sdk}")\` (the SDK the TypeScript program loads)`,
      `require(${JSON.stringify(sdk)})`,
      n,
    ),
    await loadCost(
      "the dynamic provider's imports before it serves (`@pulumi/pulumi`, its provider gRPC stubs, grpc-js)",
      'require("@pulumi/pulumi"); require("@pulumi/pulumi/proto/provider_grpc_pb"); require("@grpc/grpc-js")',
      n,
    ),
    await loadCost(
      'the provider core (`require("pulumi-cinder-attachment/runtime")`, loaded by the dynamic provider\'s methods)',
      'require("pulumi-cinder-attachment/runtime")',
      n,
    ),
  ];
  const plugin: number[] = [];
  for (let i = 0; i < n; i += 1) plugin.push((await startOnce()).configureMs);
  loads.push({ label: "the plugin: exec to its first Configure answered (bundled core loaded)", ms: median(plugin) });
  loads.push(...(await engineFloor(options.engine, n)));
  return { faces, loads, loadRuns: n };
}

async function profileFace(face: EngineFace, options: ProfileOptions): Promise<FaceProfile> {
  const stackName = `bench-profile-${face}-${Date.now().toString(36)}-${randomBytes(3).toString("hex")}`;
  const dir = path.join(repoRoot, ".local", "bench", stackName);
  await fs.mkdir(dir, { recursive: true });
  const config = noauthStackConfig();
  const target = config["cinder:endpoint"]?.value as string;
  // Arrival times in order; each answer takes the oldest arrival not yet answered (requests come one
  // at a time for one attachment, so the pairing is exact).
  let started = 0;
  const arrivals: number[] = [];
  const cinder: CinderSpan[] = [];
  const proxy: CinderProxy = await startProxy(new URL(target).origin, () => {
    arrivals.push(performance.now() - started);
    return { kind: "forward" };
  });
  const exchanges = proxy.exchanges;
  const append = exchanges.push.bind(exchanges);
  exchanges.push = (...items) => {
    for (const item of items) {
      const at = performance.now() - started;
      const request = `${item.method} ${item.path.replace(/[0-9a-f]{8}-[0-9a-f-]{27}/g, "{id}")}`;
      cinder.push({ request, startMs: arrivals.shift() ?? at, endMs: at });
    }
    return append(...items);
  };
  let stack: Stack | undefined;
  let clean = false;
  const teardown = async () => {
    if (stack && !clean) await stack.destroy({ color: "never" }).catch(() => options.release());
    await stack?.workspace.removeStack(stackName, { force: !clean }).catch(() => undefined);
    await removeBackendLeftovers(stackName);
    await fs.rm(dir, { recursive: true, force: true });
    await proxy.close();
  };
  const cleanup = registerCleanup(`profile stack ${stackName}`, teardown);
  try {
    const pulumiCommand = await PulumiCommand.get({ root: options.engine.root });
    if (face === "plugin") {
      await writeYamlProgram(dir, BENCH_PROJECT, [options.volume], 1);
    } else {
      await writeTypeScriptProgram(dir, TS_PROGRAM);
    }
    stack = await LocalWorkspace.createOrSelectStack({ stackName, workDir: dir }, { pulumiCommand });
    await stack.setAllConfig({
      ...config,
      "cinder:endpoint": { value: viaOrigin(target, proxy.url) },
      ...(face === "dynamic" ? { volume: { value: options.volume } } : {}),
    });
    const result = await new Promise<{ wallMs: number; processes: ProcessSpan[]; code: number; output: string }>(
      (resolve, reject) => {
        started = performance.now();
        const child = spawn(
          options.engine.pulumi,
          ["up", "--yes", "--stack", stackName, "--non-interactive", "--color", "never"],
          {
            cwd: dir,
            env: { ...process.env, PULUMI_NODEJS_TRANSPILE_ONLY: "true" },
            stdio: ["ignore", "pipe", "pipe"],
          },
        );
        const watch = new ProcessWatch(child.pid ?? 0, started, face);
        watch.start();
        let output = "";
        child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString("utf8")));
        child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString("utf8")));
        child.once("error", reject);
        child.once("exit", (code) =>
          resolve({ wallMs: performance.now() - started, processes: watch.stop(), code: code ?? -1, output }),
        );
      },
    );
    if (result.code !== 0) {
      throw new Error(`profile: pulumi up (${face}) exited ${result.code}\n${result.output.slice(-2000)}`);
    }
    await proxy.idle();
    const seen = [...cinder];
    options.log(
      `profile(${face}): pulumi up --yes of 1: ${(result.wallMs / 1000).toFixed(2)} s; ` +
        result.processes
          .map((p) => `${p.kind} [${p.command}] ${p.startMs.toFixed(0)}-${p.endMs.toFixed(0)}`)
          .join(", "),
    );
    const destroyed = await stack.destroy({ color: "never" });
    if (destroyed.summary.result !== "succeeded") {
      throw new Error(`profile: destroy (${face}) ended ${destroyed.summary.result}`);
    }
    clean = true;
    return { face, wallMs: result.wallMs, processes: result.processes, cinder: seen };
  } finally {
    await cleanup();
  }
}

/** The engine address a process was given (`127.0.0.1:<port>` in its command line). */
function addressOf(process: ProcessSpan): string | undefined {
  return /127\.0\.0\.1:\d+/.exec(process.command)?.[0];
}

/** One event on a face's timeline: what happened, and when (ms from the CLI's spawn). */
interface TimelineEvent {
  readonly label: string;
  readonly atMs: number;
}

/**
 * A face's run as events in a fixed order: a phase (preview, update) is the life of a language host
 * during which the engine started a provider; a language host in which none started (the program's
 * plugin list) comes before them. In each phase: the Node host's `node -e require.resolve` helper,
 * the program process, the plugin process the YAML host starts for the schema (its own address), the
 * engine's provider process (given the host's engine address), the Cinder requests.
 */
function timeline(profile: FaceProfile): TimelineEvent[] {
  const events: TimelineEvent[] = [];
  const at = (label: string, atMs: number | undefined) => {
    if (atMs !== undefined) events.push({ label, atMs });
  };
  const of = (kind: ProcessKind) => profile.processes.filter((p) => p.kind === kind);
  const during = (host: ProcessSpan, p: ProcessSpan) => p.startMs >= host.startMs && p.startMs <= host.endMs;
  const hosts = of("language host");
  const outer = hosts.filter(
    (h) => !hosts.some((o) => o !== h && o.startMs < h.startMs && o.endMs >= h.endMs && addressOf(o) === addressOf(h)),
  );
  const phases = outer.filter((h) => of("provider").some((p) => during(h, p)));
  const early = outer.filter((h) => !phases.includes(h) && h.startMs < (phases[0]?.startMs ?? Infinity));
  for (const host of early) {
    at("a language host for the program's plugin list started", host.startMs);
    at("… and gone", host.endMs);
  }
  phases.slice(0, 2).forEach((host, i) => {
    const name = i === 0 ? "preview" : "update";
    const programs = of("program").filter((p) => during(host, p));
    const resolver = programs.find((p) => p.command.includes(" -e "));
    const program = programs.find((p) => !p.command.includes(" -e "));
    const providers = of("provider").filter((p) => during(host, p));
    const engines = providers.filter((p) => addressOf(p) === addressOf(host));
    const schema = providers.filter((p) => addressOf(p) !== addressOf(host));
    const next = phases[i + 1]?.startMs ?? Infinity;
    const cinder = profile.cinder.filter((c) => c.startMs >= host.startMs && c.startMs < next);
    at(`${name}: language host started`, host.startMs);
    at(`${name}: the Node host's \`node -e require.resolve(cmd/run)\` started`, resolver?.startMs);
    at(`${name}: … and gone`, resolver?.endMs);
    at(`${name}: program process started`, program?.startMs);
    at(`${name}: a plugin process for the YAML host (schema) started`, schema[0]?.startMs);
    at(`${name}: the engine's provider process started`, engines[0]?.startMs);
    at(`${name}: first Cinder request (version discovery)`, cinder[0]?.startMs);
    at(`${name}: last Cinder answer`, cinder.at(-1)?.endMs);
    at(`${name}: language host gone`, host.endMs);
  });
  at("CLI exited", profile.wallMs);
  return events;
}

/** The profile section of the report. */
export function profileSection(result: ProfileResult, fmt: (ms: number) => string): string {
  const faceLabel = (face: EngineFace) =>
    face === "dynamic" ? "dynamic provider, TypeScript program" : "resource plugin, YAML program";
  const timelines = result.faces.map(timeline);
  const labels: string[] = [];
  for (const events of timelines) {
    for (const [i, event] of events.entries()) {
      if (labels.includes(event.label)) continue;
      // After the label of the event before it, wherever that is.
      const before = events[i - 1];
      const index = before ? labels.indexOf(before.label) : -1;
      labels.splice(index + 1, 0, event.label);
    }
  }
  const rows = labels.map((label) => [
    label,
    ...timelines.map((events) => {
      const i = events.findIndex((e) => e.label === label);
      const event = events[i];
      if (!event) return "–";
      const before = events[i - 1];
      return `${fmt(event.atMs)}${before ? ` (+${fmt(event.atMs - before.atMs)})` : ""}`;
    }),
  ]);
  const cinderRows = result.faces.map((face) => [
    faceLabel(face.face),
    face.cinder.map((c) => `${c.request} ${fmt(c.startMs)} → ${fmt(c.endMs)}`).join("; "),
    fmt(face.cinder.reduce((sum, c) => sum + c.endMs - c.startMs, 0)),
    fmt(face.wallMs),
  ]);
  return [
    "## Where the fixed cost goes: one `pulumi up --yes` of one attachment",
    "",
    "One `pulumi up --yes` (the CLI as a user runs it: preview, then update) of one attachment per face, each " +
      "in a project folder of its own (the TypeScript program run by the Node language host with " +
      "`PULUMI_NODEJS_TRANSPILE_ONLY`, as examples/iscsi-attach; the YAML program of part 2), noauth Cinder behind " +
      "the recording proxy, on a timeline from the CLI's spawn: the CLI's descendant processes polled every 10 ms " +
      "in /proc (start from /proc/<pid>/stat, 10 ms ticks; end: last seen, within 10 ms), Cinder's requests from " +
      "the proxy. In brackets: the time since the event above in the same column. The engine runs the program, " +
      "and starts the provider, twice: once for the preview, once for the update.",
    "",
    table(["event", ...result.faces.map((f) => faceLabel(f.face))], rows),
    "",
    table(["face", "Cinder requests (arrival → answer)", "Cinder time (sum)", "whole command"], cinderRows),
    "",
    `Measured alone (median of ${result.loadRuns} after one not counted; \`node -e\` processes in the repository; ` +
      "the last two rows: the engine without either face):",
    "",
    table(
      ["what", "wall"],
      result.loads.map((l) => [l.label, fmt(l.ms)]),
    ),
    "",
  ].join("\n");
}
