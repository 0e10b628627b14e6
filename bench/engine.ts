/**
 * Part 2: `pulumi up`, `preview` (no change), `refresh` (nothing changed) and `destroy` of N
 * attachments through the real engine (Automation API; the dynamic provider from an inline
 * TypeScript program, or the resource plugin from a YAML program; one attachment per volume), with
 * Cinder behind a recording proxy: wall time, requests by kind, how many were in flight at once (the
 * engine's parallelism at work), the span of the requests, the peak memory of the provider process
 * (sampled from /proc) and the state per attachment; beside each cycle, optionally, the raw limit
 * (bench/limit.ts) through the same proxy.
 */
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { promises as fs, readdirSync, readFileSync, readlinkSync } from "node:fs";
import * as path from "node:path";
import { performance } from "node:perf_hooks";
import { type ConfigMap, LocalWorkspace, PulumiCommand, type Stack } from "@pulumi/pulumi/automation";
import { VolumeAttachment } from "../sdk";
import { type CinderProxy, startProxy } from "../test/support/proxy";
import { registerCleanup } from "./cleanup";
import {
  type EngineFace,
  type StateSize,
  benchConnector,
  isProviderProcess,
  stateSize,
  writeYamlProgram,
} from "./pluginEngine";
import { type EngineInfo, repoRoot, stackEnv, viaOrigin } from "./env";
import { type LimitRun, runLimit } from "./limit";
import { ENGINE_COMMANDS, type EngineCommand } from "./minimal";
import { Traffic } from "./traffic";

/** One engine command (`up`, `preview`, `refresh` or `destroy`) of N attachments. */
export interface EngineRun {
  /** The configuration's label (`noauth`, `keystone`, `keystone+service`). */
  readonly label: string;
  readonly n: number;
  readonly op: EngineCommand;
  /** `--parallel` given; undefined for the engine's default. */
  readonly parallel?: number;
  readonly wallMs: number;
  /** Requests Cinder received during the run. */
  readonly requests: number;
  /** Of those, answered with a 5xx (the shared local Cinder under load); the provider recovered. */
  readonly serverErrors: number;
  /** The 5xx answers by kind. */
  readonly errorsByKind: Record<string, number>;
  /** Requests by kind (`POST /v3/attachments`, ...). */
  readonly byKind: Record<string, number>;
  /** Most requests in flight at once. */
  readonly maxInFlight: number;
  /** When the first and the last request arrived, after the run started (ms). */
  readonly firstRequestMs: number;
  readonly lastRequestMs: number;
  /** From the first request's arrival to the last answer at the proxy (ms; NaN without requests). */
  readonly spanMs: number;
  /** Highest VmHWM of the run's dynamic provider process(es), in bytes (0 when none was seen). */
  readonly peakRssBytes: number;
  /** Dynamic provider processes seen during the run. */
  readonly providerProcesses: number;
  /** The engine's summary of changes. */
  readonly changes: Record<string, number>;
  /** The face the program used: the dynamic provider (TypeScript program) or the resource plugin (YAML program). */
  readonly face: EngineFace;
  /** After an `up`: the state's size (`pulumi stack export`). */
  readonly state?: StateSize;
}

/** Options of {@link runEngine}. */
export interface EngineOptions {
  readonly engine: EngineInfo;
  /** N values, in run order (a size may come again: a repeat). */
  readonly sizes: readonly number[];
  /** Extra runs with `--parallel 1` at this N (0: none), to show what the default parallelism buys. */
  readonly serialN: number;
  /** At least max(sizes) available volumes. */
  readonly volumes: readonly string[];
  /** Stack config pointing the provider at Cinder and, for Keystone, at its auth URL. */
  readonly config: ConfigMap;
  /** The config key whose URL goes through the recording proxy: `cinder:endpoint` or `cinder:authUrl`. */
  readonly proxied: "cinder:endpoint" | "cinder:authUrl";
  /** Label of the stack (auth kind). */
  readonly label: string;
  /** Frees the volumes (deletes every attachment they hold) after a disturbed run. */
  readonly release: () => Promise<void>;
  /** Counts failed runs that were run again. */
  readonly disturbed: { count: number };
  readonly log: (line: string) => void;
  /** The face to run (default: the dynamic provider, inline TypeScript program). */
  readonly face?: EngineFace;
  /** More environment for the engine's commands (e.g. `PULUMI_SKIP_CHECKPOINTS`). */
  readonly envVars?: Readonly<Record<string, string>>;
  /** The commands of one cycle, in order (default: {@link ENGINE_COMMANDS}); the last must leave the stack empty. */
  readonly commands?: readonly EngineCommand[];
  /**
   * After each cycle (not those with `--parallel`), the raw limit of the same N through the same
   * proxy (noauth only: `token` is the `X-Auth-Token`), at `concurrency` requests at once.
   */
  readonly limit?: { readonly token: string; readonly concurrency: number };
}

/** What {@link runEngine} measured. */
export interface EngineResult {
  readonly runs: EngineRun[];
  /** The raw limit of each N, when asked for. */
  readonly limits: LimitRun[];
}

/**
 * Samples /proc for the dynamic provider processes started in one folder; keeps their peak RSS
 * (VmHWM). Command lines are read afresh each time: a pid first seen between fork and exec, or as
 * the launcher script before it execs node, becomes the provider later.
 */
class ProviderMemory {
  private readonly peaks = new Map<number, number>();
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly workDir: string,
    private readonly face: EngineFace = "dynamic",
  ) {}

  start(): void {
    this.sample();
    this.timer = setInterval(() => this.sample(), 100);
  }

  stop(): { peak: number; processes: number } {
    if (this.timer) clearInterval(this.timer);
    this.sample();
    return { peak: Math.max(0, ...this.peaks.values()), processes: this.peaks.size };
  }

  private sample(): void {
    let pids: string[];
    try {
      pids = readdirSync("/proc").filter((entry) => /^\d+$/.test(entry));
    } catch {
      return;
    }
    for (const entry of pids) {
      const pid = Number(entry);
      try {
        if (!this.peaks.has(pid)) {
          const argv = readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0");
          if (!isProviderProcess(this.face, argv)) continue;
          // The plugin's own path (this repository's dist/) is the run's; a dynamic provider is the
          // run's when it runs in the stack's folder.
          if (this.face === "dynamic" && readlinkSync(`/proc/${pid}/cwd`) !== this.workDir) continue;
        }
        const status = readFileSync(`/proc/${pid}/status`, "utf8");
        const hwm = /^VmHWM:\s+(\d+) kB/m.exec(status)?.[1];
        const rss = /^VmRSS:\s+(\d+) kB/m.exec(status)?.[1];
        const peak = Math.max(Number(hwm ?? 0), Number(rss ?? 0)) * 1024;
        this.peaks.set(pid, Math.max(this.peaks.get(pid) ?? 0, peak));
      } catch {
        // The process ended between listing and reading.
      }
    }
  }
}

/** The Pulumi project of the bench's stacks (used by nothing else). */
export const BENCH_PROJECT = "cinder-bench";

const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g;

/** Runs the cycles; the stack and its work dir are removed whatever happens. */
export async function runEngine(options: EngineOptions): Promise<EngineResult> {
  const slug = options.label.replace(/[^A-Za-z0-9]+/g, "-").replace(/^-|-$/g, "");
  const stackName = `bench-${slug}-${Date.now().toString(36)}-${randomBytes(3).toString("hex")}`;
  const workDir = path.join(repoRoot, ".local", "bench", stackName);
  const target = options.config[options.proxied]?.value;
  if (!target) throw new Error(`engine: no ${options.proxied} in the stack config`);
  await fs.mkdir(workDir, { recursive: true });
  const realWorkDir = await fs.realpath(workDir);

  let proxy: CinderProxy | undefined;
  const traffic = new Traffic();
  const size = { n: 0 };
  const face = options.face ?? "dynamic";
  const volumes = options.volumes;
  const program = async () => {
    for (let i = 0; i < size.n; i += 1) {
      new VolumeAttachment(`data-${i}`, {
        volumeId: volumes[i] as string,
        connector: benchConnector(i),
      });
    }
    return {};
  };

  let stack: Stack | undefined;
  let clean = false;
  const teardown = async () => {
    const current = stack;
    if (current && !clean) {
      // An interrupted command (SIGINT, a killed CLI) leaves the stack locked: the lock goes first.
      const destroy = () => current.destroy({ color: "never" });
      await destroy()
        .catch(async () => {
          await current.cancel().catch(() => undefined);
          return destroy();
        })
        .catch((err: unknown) => {
          options.log(`engine: destroy after failure failed: ${err instanceof Error ? err.message : String(err)}`);
        });
    }
    const removed = await current?.workspace.removeStack(stackName, { force: !clean }).then(
      () => true,
      (err: unknown) => {
        options.log(`engine: removing stack ${stackName} failed: ${err instanceof Error ? err.message : String(err)}`);
        return false;
      },
    );
    if (removed) await removeBackendLeftovers(stackName);
    await fs.rm(workDir, { recursive: true, force: true });
    await proxy?.close();
  };
  const cleanup = registerCleanup(`stack ${stackName}`, teardown);

  const runs: EngineRun[] = [];
  const limits: LimitRun[] = [];
  const commands = options.commands ?? ENGINE_COMMANDS;
  const disturbed = options.disturbed;
  try {
    proxy = await startProxy(new URL(target).origin, () => {
      traffic.arrived();
      return { kind: "forward" };
    });
    traffic.watch(proxy);
    const pulumiCommand = await PulumiCommand.get({ root: options.engine.root });
    if (face === "plugin") {
      // A local YAML program in the work dir, rewritten for each N.
      await writeYamlProgram(workDir, BENCH_PROJECT, volumes, 0);
      stack = await LocalWorkspace.createOrSelectStack(
        { stackName, workDir },
        { pulumiCommand, envVars: { ...options.envVars } },
      );
    } else {
      stack = await LocalWorkspace.createOrSelectStack(
        { stackName, projectName: BENCH_PROJECT, program },
        {
          workDir,
          projectSettings: { name: BENCH_PROJECT, runtime: "nodejs" },
          pulumiCommand,
          envVars: { PULUMI_NODEJS_TRANSPILE_ONLY: "true", ...options.envVars },
        },
      );
    }
    await stack.setAllConfig({ ...options.config, [options.proxied]: { value: viaOrigin(target, proxy.url) } });
    const plan: { n: number; parallel?: number }[] = options.sizes.map((n) => ({ n }));
    if (options.serialN > 0) plan.push({ n: options.serialN, parallel: 1 });

    for (const { n, parallel } of plan) {
      size.n = n;
      if (face === "plugin") await writeYamlProgram(workDir, BENCH_PROJECT, volumes, n);
      for (let attempt = 1; ; attempt += 1) {
        const cycle: EngineRun[] = [];
        let limit: LimitRun | undefined;
        let failure: unknown;
        try {
          // A cycle with --parallel (the contrast) runs only up and destroy.
          for (const op of parallel === undefined ? commands : (["up", "destroy"] as const)) {
            cycle.push(await measure(stack, proxy, traffic, realWorkDir, options.label, n, op, parallel, face));
          }
          if (options.limit && parallel === undefined) {
            limit = await runLimit(proxy, traffic, options.limit.token, volumes, n, options.limit.concurrency);
          }
        } catch (err) {
          failure = err;
        }
        if (failure === undefined) {
          for (const run of cycle) {
            runs.push(run);
            options.log(
              `engine(${options.label}): ${run.op} N=${n}${parallel ? ` --parallel ${parallel}` : ""}: ` +
                `${(run.wallMs / 1000).toFixed(2)} s, ${run.requests} requests` +
                `${run.serverErrors > 0 ? ` (${run.serverErrors} answered 5xx, recovered)` : ""}, ` +
                `${run.maxInFlight} in flight at most, span ${(run.spanMs / 1000).toFixed(2)} s, ` +
                `provider peak ${(run.peakRssBytes / 1024 / 1024).toFixed(0)} MiB`,
            );
          }
          if (limit) {
            limits.push(limit);
            options.log(
              `engine(${options.label}): raw limit N=${n} at ${limit.concurrency}: creates + completes span ` +
                `${(limit.up.spanMs / 1000).toFixed(2)} s, reads ${(limit.refresh.spanMs / 1000).toFixed(2)} s, ` +
                `deletes ${(limit.destroy.spanMs / 1000).toFixed(2)} s`,
            );
          }
          break;
        }
        // The run failed (the local Cinder is shared with other work and can fail requests under
        // load): put everything back and run it again. A run that got 5xx answers and still succeeded
        // is kept: the provider's recovery at work, with its extra requests shown.
        disturbed.count += 1;
        const why = failure instanceof Error ? failure.message.split("\n")[0] : "failed";
        options.log(`engine(${options.label}): N=${n} disturbed (${why}); cleaning up and running it again`);
        await recover(stack, options);
        if (attempt >= 3) throw new Error(`engine: N=${n} disturbed ${attempt} times: ${why}`);
      }
    }
    clean = true;
  } finally {
    await cleanup();
  }
  return { runs, limits };
}

/**
 * The local file backend keeps a removed stack's last checkpoint (`.json.bak`), its update history
 * and a backup per update (megabytes for N = 50): removed with the stack, the bench's own only.
 */
export async function removeBackendLeftovers(stackName: string): Promise<void> {
  const url = process.env["PULUMI_BACKEND_URL"];
  if (!url?.startsWith("file://")) return;
  const root = path.join(url.slice("file://".length), ".pulumi");
  await Promise.all([
    fs.rm(path.join(root, "stacks", BENCH_PROJECT, `${stackName}.json.bak`), { force: true }),
    fs.rm(path.join(root, "stacks", BENCH_PROJECT, `${stackName}.json.bak.attrs`), { force: true }),
    fs.rm(path.join(root, "history", BENCH_PROJECT, stackName), { recursive: true, force: true }),
    fs.rm(path.join(root, "backups", BENCH_PROJECT, stackName), { recursive: true, force: true }),
  ]);
}

/** After a disturbed run: the stack empty again (destroy, or refresh then destroy) and the volumes free. */
async function recover(stack: Stack, options: EngineOptions): Promise<void> {
  try {
    await stack.destroy({ color: "never" });
  } catch {
    await stack.refresh({ color: "never" }).catch(() => undefined);
    await stack.destroy({ color: "never" }).catch(() => undefined);
  }
  await options.release();
}

/** Runs one command on the stack; resolves with the engine's summary of changes. */
async function command(stack: Stack, op: EngineCommand, parallel: number | undefined): Promise<Record<string, number>> {
  const options = { color: "never" as const, parallel };
  switch (op) {
    case "up":
      return checked(op, await stack.up(options));
    case "preview":
      return { ...(await stack.preview({ ...options, expectNoChanges: true })).changeSummary };
    case "refresh":
      return checked(op, await stack.refresh({ ...options, expectNoChanges: true }));
    case "destroy":
      return checked(op, await stack.destroy(options));
  }
}

function checked(
  op: EngineCommand,
  result: { summary: { result: string; resourceChanges?: Record<string, number> } },
): Record<string, number> {
  if (result.summary.result !== "succeeded") throw new Error(`${op} ended ${result.summary.result}`);
  return { ...(result.summary.resourceChanges ?? {}) };
}

/** One command, measured. */
async function measure(
  stack: Stack,
  proxy: CinderProxy,
  traffic: Traffic,
  workDir: string,
  label: string,
  n: number,
  op: EngineCommand,
  parallel: number | undefined,
  face: EngineFace,
): Promise<EngineRun> {
  const memory = new ProviderMemory(workDir, face);
  const mark = proxy.exchanges.length;
  traffic.begin();
  memory.start();
  const started = performance.now();
  let changes: Record<string, number>;
  try {
    changes = await command(stack, op, parallel);
  } finally {
    memory.stop();
  }
  const wallMs = performance.now() - started;
  await proxy.idle();
  const { peak, processes } = memory.stop();
  const state = op === "up" ? await stateSize(stack, face) : undefined;
  const byKind: Record<string, number> = {};
  const errorsByKind: Record<string, number> = {};
  const seen = proxy.exchanges.slice(mark);
  for (const exchange of seen) {
    const kind = `${exchange.method} ${exchange.path.replace(UUID, "{id}").replace(/\?.*$/, "")}`;
    byKind[kind] = (byKind[kind] ?? 0) + 1;
    if (exchange.status >= 500) errorsByKind[kind] = (errorsByKind[kind] ?? 0) + 1;
  }
  return {
    label,
    n,
    op,
    parallel,
    wallMs,
    requests: seen.length,
    serverErrors: seen.filter((e) => e.status >= 500).length,
    errorsByKind,
    byKind,
    maxInFlight: traffic.maxInFlight,
    firstRequestMs: traffic.firstArrivalMs,
    lastRequestMs: traffic.lastArrivalMs,
    spanMs: traffic.spanMs,
    peakRssBytes: peak,
    providerProcesses: processes,
    changes,
    face,
    state,
  };
}

/**
 * Peak RSS of a dynamic provider process that has served nothing (started by hand with an engine
 * address nobody answers on, measured once it listens): the floor under the numbers above.
 */
export async function idleProviderRss(): Promise<number> {
  const script = require.resolve("@pulumi/pulumi/cmd/dynamic-provider", { paths: [repoRoot] });
  const child = spawn(process.execPath, [script, "127.0.0.1:1"], {
    cwd: repoRoot,
    stdio: ["ignore", "pipe", "ignore"],
  });
  try {
    await new Promise<void>((resolve, reject) => {
      child.stdout.once("data", () => resolve());
      child.once("exit", (code) => reject(new Error(`dynamic-provider exited (${code ?? "signal"}) before listening`)));
    });
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const status = readFileSync(`/proc/${child.pid ?? 0}/status`, "utf8");
    return Number(/^VmHWM:\s+(\d+) kB/m.exec(status)?.[1] ?? 0) * 1024;
  } finally {
    child.kill();
  }
}

/** Stack config for the local noauth Cinder. */
export function noauthStackConfig(): ConfigMap {
  const env = stackEnv();
  return {
    "cinder:endpoint": { value: env["CINDER_ENDPOINT"] as string },
    "cinder:authType": { value: "noauth" },
    "cinder:userId": { value: env["OS_USER_ID"] ?? "admin" },
    "cinder:projectId": { value: env["OS_PROJECT_ID"] ?? "admin" },
  };
}
