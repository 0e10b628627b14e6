/**
 * The benchmark: provider cost against the raw API and real peer clients, in one run against the
 * local Cinder (see bench/README.md). Run it with `npm run bench` (scripts/bench.sh prepares the
 * stack, the engine and this compiled code).
 *
 *   npm run bench                              # full run, writes bench/RESULTS.md
 *   npm run bench -- --quick                   # small CI version (few repeats, N = 1, 10 through the engine)
 *   npm run bench -- --sizes 1,10              # the engine's N values (growth), instead of the plan's
 *   npm run bench -- --out F --json J          # results elsewhere; J: the deterministic summary
 *   npm run bench -- --parts ops,startup,engine,retained,profile,keystone,peer
 */
import { writeFileSync } from "node:fs";
import http, { Agent } from "node:http";
import * as os from "node:os";
import * as path from "node:path";
import { performance } from "node:perf_hooks";
import { registerCleanup, runCleanups } from "./cleanup";
import type { CinderClient } from "../provider/src/cinder/client";
import { CLIENT_NAMES, type ClientName } from "./clients";
import { type EngineRun, idleProviderRss, noauthStackConfig, runEngine } from "./engine";
import { type LimitRun, engineParallelism } from "./limit";
import { engineInfo, repoRoot, stackEnv } from "./env";
import { type TokenCount, adminVolumes, cliTokens, demoVolumes, keystoneStackConfig, providerTokens } from "./keystone";
import { type MachineFacts, machineFacts, peerVersions } from "./machine";
import { describeRemoval, removeExtraCaCerts } from "./nodeEnv";
import { type OperationsResult, runOperations } from "./operations";
import { type ProfileResult, runProfile } from "./profile";
import { type StartupResult, runStartup } from "./startup";
import { type BenchResults, renderReport, summarize } from "./report";
import { type RetainedRun, runRetained } from "./retained";
import { mapLimit } from "./stats";
import { prepareTofu } from "./tofu";
import { type VersusRun, runVersus } from "./versus";
import { BenchVolumes, noauthAdminClient, releaseVolume } from "./volumes";

const PARTS = ["ops", "startup", "engine", "retained", "profile", "keystone", "peer"] as const;
/** Parts that are left out of the quick mode unless asked for with --parts (the peer is built from source; the profile and the retained heap are not checked). */
const FULL_ONLY: readonly Part[] = ["retained", "profile", "peer"];
type Part = (typeof PARTS)[number];

interface Options {
  quick: boolean;
  out: string;
  json?: string;
  parts: Set<Part>;
  /** Whether --parts was given (else the quick mode leaves out FULL_ONLY). */
  partsGiven: boolean;
  /** Overrides of the plan's timing repeats, and whether the CLI takes part. */
  repeats?: number;
  noCli: boolean;
  /** Overrides the plan's engine sizes (one pass, both faces). */
  sizes?: number[];
}

function parseArgs(argv: string[]): Options {
  const options: Options = {
    quick: false,
    out: path.join(repoRoot, "bench", "RESULTS.md"),
    parts: new Set(PARTS),
    partsGiven: false,
    noCli: false,
  };
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i];
    const value = () => {
      const next = argv[(i += 1)];
      if (next === undefined) throw new Error(`${arg} needs a value`);
      return next;
    };
    if (arg === "--quick") options.quick = true;
    else if (arg === "--out") options.out = path.resolve(value());
    else if (arg === "--json") options.json = path.resolve(value());
    else if (arg === "--no-cli") options.noCli = true;
    else if (arg === "--sizes") {
      options.sizes = value().split(",").map(Number);
      if (options.sizes.some((n) => !Number.isInteger(n) || n < 1)) throw new Error("--sizes needs whole numbers ≥ 1");
    } else if (arg === "--repeats") {
      options.repeats = Number(value());
      if (!Number.isInteger(options.repeats) || options.repeats < 1) {
        throw new Error("--repeats needs a whole number ≥ 1");
      }
    } else if (arg === "--parts") {
      const parts = value().split(",");
      const unknown = parts.filter((p) => !(PARTS as readonly string[]).includes(p));
      if (unknown.length > 0) throw new Error(`unknown part(s) ${unknown.join(", ")}; parts: ${PARTS.join(", ")}`);
      options.parts = new Set(parts as Part[]);
      options.partsGiven = true;
    } else if (arg === "--help" || arg === "-h") {
      process.stdout.write(
        "usage: npm run bench -- [--quick] [--out RESULTS.md] [--json summary.json] [--parts ops,startup,engine,retained,profile,keystone,peer]" +
          " [--repeats N] [--no-cli] [--sizes 1,10,...]\n",
      );
      process.exit(0);
    } else {
      throw new Error(`unknown argument ${arg}; see --help`);
    }
  }
  if (options.quick && !options.partsGiven) for (const part of FULL_ONLY) options.parts.delete(part);
  return options;
}

/** The sizes of a run. */
const PLAN = {
  full: {
    repeats: 15,
    cliRepeats: 3,
    clientSideRepeats: 200,
    /** The engine's N values in run order, both faces: the growth, then the small sizes again (their spread is the noise). */
    engineSizes: [1, 10, 50, 200, 500, 1, 10, 50],
    serialN: 50,
    /** N values at which each face's up and destroy run again without intermediate checkpoints (none: empty). */
    noCheckpointsSizes: [50, 200, 500],
    /** N values of the retained-heap runs (`up` and `destroy` per face; empty: none). */
    retainedSizes: [1, 200],
    keystoneN: 5,
    keystoneK: 4,
    keystoneEngine: [false, true],
    cli: true,
    peerSizes: [1, 10, 50],
    peerRepeats: 5,
    pluginStarts: 15,
  },
  quick: {
    repeats: 1,
    cliRepeats: 0,
    clientSideRepeats: 20,
    engineSizes: [1, 10],
    serialN: 0,
    noCheckpointsSizes: [] as number[],
    retainedSizes: [1, 10],
    keystoneN: 2,
    keystoneK: 2,
    keystoneEngine: [true],
    cli: false,
    peerSizes: [1, 3],
    peerRepeats: 1,
    pluginStarts: 5,
  },
};

const started = performance.now();
const log = (line: string) =>
  process.stderr.write(`[bench ${((performance.now() - started) / 1000).toFixed(1)}s] ${line}\n`);

async function cleanupAll(): Promise<void> {
  const failures = await runCleanups();
  for (const failure of failures) log(`cleanup failed: ${failure}`);
  if (failures.length > 0) process.exitCode = 1;
}
// A reader that goes away (`npm run bench 2>&1 | head`) must not end the run before its cleanups:
// writes to a closed stderr fail with EPIPE, which would otherwise be an uncaught error.
process.stderr.on("error", () => undefined);
// `on`, not `once`: the Automation API's execa (signal-exit) re-raises a signal that no other
// listener is left for, which ended the process before its cleanups ran.
let signalled = false;
for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) {
  process.on(signal, () => {
    if (signalled) return;
    signalled = true;
    log(`${signal}: cleaning up`);
    void cleanupAll().finally(() => process.exit(130));
  });
}

/**
 * test/support/proxy.ts forwards on Node's global agent, which keeps connections alive; Keystone
 * behind uwsgi closes each one after its answer, so a reused socket can be dead ("Remote end closed
 * connection"). The parts that talk to Keystone come last: from the first of them on, the bench
 * process opens a connection per request.
 */
function connectionPerRequest(): void {
  if (!(http.globalAgent as Agent & { keepAlive?: boolean }).keepAlive) return;
  const perRequest = new Agent({ keepAlive: false });
  Reflect.set(http, "globalAgent", perRequest);
  if (http.globalAgent !== perRequest) throw new Error("could not replace Node's global HTTP agent");
}

async function releaseAll(client: CinderClient, ids: readonly string[]): Promise<void> {
  await mapLimit(ids, 2, (id) => releaseVolume(client, id));
}

/** Runs `fn` up to three times; before another try, `reset` puts the volumes right. */
async function again<T>(fn: () => Promise<T>, reset: () => Promise<void>, disturbed: { count: number }): Promise<T> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await fn();
    } catch (err) {
      if (attempt >= 3) throw err;
      disturbed.count += 1;
      log(`disturbed (${err instanceof Error ? err.message.split("\n")[0] : String(err)}); running it again`);
      await reset();
    }
  }
}

async function main(): Promise<void> {
  const options = parseArgs(process.argv.slice(2));
  const base = options.quick ? PLAN.quick : PLAN.full;
  const plan = {
    ...base,
    repeats: options.repeats ?? base.repeats,
    cli: base.cli && !options.noCli,
    engineSizes: options.sizes ?? base.engineSizes,
    serialN: options.sizes ? 0 : base.serialN,
    noCheckpointsSizes: options.sizes ? [] : base.noCheckpointsSizes,
  };
  const engine = engineInfo();
  const caCerts = await removeExtraCaCerts(5);
  const machine: MachineFacts = { ...machineFacts(engine.pulumi), Environment: describeRemoval(caCerts) };
  const runId = `bench-${Date.now().toString(36)}`;
  const startedAt = new Date().toISOString();

  const admin = await noauthAdminClient();
  const volumes = new BenchVolumes(admin, runId);
  registerCleanup("noauth volumes", async () => {
    const failures = await volumes.cleanup();
    if (failures.length > 0) throw new Error(`left behind: ${failures.join("; ")}`);
    log("cleanup: noauth volumes removed");
  });

  let operations: OperationsResult | undefined;
  let engineRuns: EngineRun[] | undefined;
  let pluginEngineRuns: EngineRun[] | undefined;
  let limits: LimitRun[] | undefined;
  let noCheckpoints: EngineRun[] | undefined;
  let retained: RetainedRun[] | undefined;
  let pluginLimits: LimitRun[] | undefined;
  let startup: StartupResult | undefined;
  let idleRss: number | undefined;
  let keystoneEngine: EngineRun[] | undefined;
  let tokens: TokenCount[] | undefined;
  const disturbed = { count: 0 };

  const needOps = options.parts.has("ops");
  const engineN = Math.max(
    options.parts.has("engine") ? Math.max(...plan.engineSizes, plan.serialN) : 0,
    options.parts.has("retained") ? Math.max(...plan.retainedSizes) : 0,
  );
  const profileN = options.parts.has("profile") ? 1 : 0;
  log(`creating ${(needOps ? CLIENT_NAMES.length : 0) + engineN + profileN} volumes (not timed)`);
  const opVolumes = needOps ? await volumes.create(CLIENT_NAMES.length, "ops") : [];
  const engineVolumes = engineN > 0 ? await volumes.create(engineN, "engine") : [];
  const profileVolumes = profileN > 0 ? await volumes.create(profileN, "profile") : [];

  if (needOps) {
    const perClient = Object.fromEntries(CLIENT_NAMES.map((name, i) => [name, opVolumes[i] as string])) as Record<
      ClientName,
      string
    >;
    operations = await runOperations({
      repeats: plan.repeats,
      cliRepeats: plan.cliRepeats,
      withCli: plan.cli,
      clientSideRepeats: plan.clientSideRepeats,
      volumes: perClient,
      admin,
      log,
    });
  }

  if (options.parts.has("startup")) startup = await runStartup(plan.pluginStarts, log);

  if (options.parts.has("engine")) {
    idleRss = await idleProviderRss();
    const env = stackEnv();
    const limit = {
      token: `${env["OS_USER_ID"] ?? "admin"}:${env["OS_PROJECT_ID"] ?? "admin"}`,
      concurrency: engineParallelism(),
    };
    const dynamic = await runEngine({
      engine,
      sizes: plan.engineSizes,
      serialN: plan.serialN,
      volumes: engineVolumes,
      config: noauthStackConfig(),
      proxied: "cinder:endpoint",
      label: "noauth",
      release: () => releaseAll(admin, engineVolumes),
      disturbed,
      log,
      limit,
    });
    engineRuns = dynamic.runs;
    limits = dynamic.limits;
    // The same attachments through the resource plugin, from a Pulumi YAML program.
    const plugin = await runEngine({
      engine,
      sizes: plan.engineSizes,
      serialN: 0,
      volumes: engineVolumes,
      config: noauthStackConfig(),
      proxied: "cinder:endpoint",
      label: "noauth, plugin",
      face: "plugin",
      release: () => releaseAll(admin, engineVolumes),
      disturbed,
      log,
      limit,
    });
    pluginEngineRuns = plugin.runs;
    pluginLimits = plugin.limits;
    if (plan.noCheckpointsSizes.length > 0) {
      // The file backend saves the whole state at every step (pulumi/pulumi#10668): each face's up and
      // destroy again without that, to tell the engine's part of the span and of the growth.
      noCheckpoints = [];
      for (const face of ["dynamic", "plugin"] as const) {
        const without = await runEngine({
          engine,
          sizes: plan.noCheckpointsSizes,
          commands: ["up", "destroy"],
          serialN: 0,
          volumes: engineVolumes,
          config: noauthStackConfig(),
          proxied: "cinder:endpoint",
          label: `noauth${face === "plugin" ? ", plugin" : ""}, PULUMI_SKIP_CHECKPOINTS`,
          face,
          envVars: { PULUMI_SKIP_CHECKPOINTS: "true" },
          release: () => releaseAll(admin, engineVolumes),
          disturbed,
          log,
        });
        noCheckpoints.push(...without.runs);
      }
    }
  }

  if (options.parts.has("retained")) {
    retained = await runRetained(
      {
        engine,
        volumes: engineVolumes,
        config: noauthStackConfig(),
        proxied: "cinder:endpoint",
        release: () => releaseAll(admin, engineVolumes),
        disturbed,
        log,
      },
      ["dynamic", "plugin"],
      plan.retainedSizes,
    );
  }

  let profile: ProfileResult | undefined;
  if (profileN > 0) {
    profile = await runProfile({
      engine,
      volume: profileVolumes[0] as string,
      release: () => releaseAll(admin, profileVolumes),
      log,
      loadRuns: 5,
    });
  }

  if (options.parts.has("keystone")) {
    connectionPerRequest();
    const demo = await demoVolumes(`${runId}-ks`);
    registerCleanup("Keystone project volumes", async () => {
      const failures = await demo.cleanup();
      if (failures.length > 0) throw new Error(`left behind: ${failures.join("; ")}`);
      log("cleanup: Keystone project volumes removed");
    });
    const count = Math.max(plan.keystoneK, plan.keystoneN);
    log(`creating ${count} volumes in the Keystone demo project (not timed)`);
    const demoIds = await demo.createUpTo(count, 2, "ks");
    if (demoIds.length < count) log(`keystone: the demo project's volume quota allowed ${demoIds.length}`);
    tokens = [];
    const release = () => releaseAll(demo.client, demoIds);
    for (const withService of [false, true]) {
      const counted = await again(
        () => providerTokens(demoIds.slice(0, plan.keystoneK), withService),
        release,
        disturbed,
      );
      log(`keystone: ${counted.label}: ${counted.tokenRequests} token requests for ${counted.operations} operations`);
      tokens.push(counted);
    }
    if (plan.cli) {
      const counted = await again(() => cliTokens(demoIds[0] as string), release, disturbed);
      log(`keystone: ${counted.label}: ${counted.tokenRequests} token requests for ${counted.operations} commands`);
      tokens.push(counted);
    }
    keystoneEngine = [];
    for (const withService of plan.keystoneEngine) {
      keystoneEngine.push(
        ...(
          await runEngine({
            engine,
            sizes: [Math.min(plan.keystoneN, demoIds.length)],
            commands: ["up", "destroy"],
            serialN: 0,
            volumes: demoIds,
            config: keystoneStackConfig(withService),
            proxied: "cinder:authUrl",
            label: withService ? "keystone, user + service user" : "keystone, user",
            release,
            disturbed,
            log,
          })
        ).runs,
      );
    }
  }

  let peer: VersusRun[] | undefined;
  if (options.parts.has("peer")) {
    const tofu = await prepareTofu(log);
    machine["OpenTofu"] = tofu.version;
    machine["terraform-provider-openstack"] = tofu.providerVersion;
    connectionPerRequest();
    const admin = await adminVolumes(`${runId}-peer`);
    registerCleanup("peer comparison volumes", async () => {
      const failures = await admin.cleanup();
      if (failures.length > 0) throw new Error(`left behind: ${failures.join("; ")}`);
      log("cleanup: peer comparison volumes removed");
    });
    const count = Math.max(...plan.peerSizes);
    log(`creating ${count} volumes in the Keystone admin project for the peer comparison (not timed)`);
    const ids = await admin.create(count, "peer");
    peer = await runVersus({
      engine,
      tofu,
      sizes: plan.peerSizes,
      repeats: plan.peerRepeats,
      volumes: ids,
      client: admin.client,
      disturbed,
      log,
    });
  }

  const [one, five] = os.loadavg();
  const results: BenchResults = {
    mode: options.quick ? "quick" : "full",
    startedAt,
    durationMs: performance.now() - started,
    command: `npm run bench${options.quick ? " -- --quick" : ""}`,
    machine: { ...machine, ...peerVersions(operations?.peers.versions) },
    loadAtEnd: `${(one ?? 0).toFixed(2)} (1 min), ${(five ?? 0).toFixed(2)} (5 min)`,
    operations,
    engine: engineRuns,
    pluginEngine: pluginEngineRuns,
    limits,
    pluginLimits,
    engineParallelism: engineParallelism(),
    profile,
    noCheckpoints,
    retained,
    startup,
    idleProviderRssBytes: idleRss,
    keystoneEngine,
    tokens,
    peer,
    disturbed: disturbed.count + (operations?.disturbed ?? 0),
  };
  writeFileSync(options.out, renderReport(results));
  log(`wrote ${options.out}`);
  if (options.json) {
    writeFileSync(options.json, `${JSON.stringify(summarize(results), null, 2)}\n`);
    log(`wrote ${options.json}`);
  }
}

main()
  .then(
    () => cleanupAll(),
    async (err: unknown) => {
      log(`failed: ${err instanceof Error ? `${err.message}\n${err.stack ?? ""}` : String(err)}`);
      await cleanupAll();
      process.exitCode = 1;
    },
  )
  .finally(() => {
    log("done");
    // Keep-alive sockets of the clients must not hold the process open.
    process.exit();
  });
