/**
 * Part 4: against the Terraform peer. For each N, our `pulumi up --yes` / `preview` / `refresh --yes
 * --skip-preview` / `destroy --yes` of N attachments through each face (the dynamic provider from a
 * TypeScript program, the resource plugin from a YAML program) and OpenTofu's `apply` / `plan` /
 * `apply -refresh-only` / `destroy` of N `openstack_blockstorage_volume_attach_v3`, on the same
 * volumes of the Keystone-backed Cinder, all as the stack's admin user (see adminUserEnv), one
 * side's cycle after another's (the order rotates by repeat). Beside them each face's floor, the
 * same commands with nothing of ours (bench/ours.ts): what Pulumi itself takes of each. Every side's
 * Cinder and Keystone requests go through recording proxies; after every cycle Cinder must hold no
 * attachment of the volumes.
 */
import { randomBytes } from "node:crypto";
import { promises as fs } from "node:fs";
import * as path from "node:path";
import type { ConfigMap } from "@pulumi/pulumi/automation";
import { listAttachments } from "../provider/src/cinder/attachments";
import type { CinderClient } from "../provider/src/cinder/client";
import { type CinderProxy, type Exchange, startProxy } from "../test/support/proxy";
import { registerCleanup } from "./cleanup";
import { type EngineInfo, repoRoot, stackSetting, viaOrigin } from "./env";
import { adminStackConfig, adminUserEnv } from "./keystone";
import { type CliResult, type ProgramKind, PulumiProject } from "./ours";
import type { EngineFace } from "./pluginEngine";
import { mapLimit } from "./stats";
import { type TofuInstall, TofuWorkspace } from "./tofu";
import { releaseVolume } from "./volumes";

/** A face's floor: the same commands on that face's program with nothing of ours in it. */
export type FloorSide = `floor-${EngineFace}`;

/** Which tool ran a command: our CLI through one face, the peer, or our CLI on a face's floor. */
export type Side = EngineFace | "peer" | FloorSide;

/** The floor of `face`. */
export function floorOf(face: EngineFace): FloorSide {
  return `floor-${face}`;
}

/** The sides, in the order of the first repeat. */
export const SIDES: readonly Side[] = ["dynamic", "plugin", "peer", "floor-dynamic", "floor-plugin"];

/** Whether `side` is a face's floor. */
export function isFloor(side: Side): side is FloorSide {
  return side.startsWith("floor-");
}

/** The four commands, by our name; the peer's equivalents are in {@link COMMANDS}. */
export const COMMAND_NAMES = ["up", "preview", "refresh", "destroy"] as const;
export type CommandName = (typeof COMMAND_NAMES)[number];

/** Each command's arguments on each side, and how the report names the pair. */
export const COMMANDS: Record<CommandName, { label: string; ours: string[]; peer: string[] }> = {
  up: { label: "apply / up", ours: ["up", "--yes"], peer: ["apply", "-auto-approve", "-input=false"] },
  preview: {
    label: "plan / preview (no change)",
    ours: ["preview", "--expect-no-changes"],
    peer: ["plan", "-input=false", "-detailed-exitcode"],
  },
  // `pulumi refresh --yes` reads every resource twice (its preview, then the refresh); tofu's
  // `apply -refresh-only` reads once, as `--skip-preview` does.
  refresh: {
    label: "apply -refresh-only / refresh",
    ours: ["refresh", "--yes", "--skip-preview"],
    peer: ["apply", "-refresh-only", "-auto-approve", "-input=false"],
  },
  destroy: { label: "destroy", ours: ["destroy", "--yes"], peer: ["destroy", "-auto-approve", "-input=false"] },
};

/** One command of one side, measured. */
export interface VersusRun {
  readonly side: Side;
  readonly command: CommandName;
  readonly n: number;
  readonly wallMs: number;
  /** Requests Cinder received during the command. */
  readonly cinderRequests: number;
  /** Requests by kind (`POST /v3/volumes/{id}/action os-attach`, ...). */
  readonly cinderByKind: Record<string, number>;
  /** Of those, answered with a 5xx (the shared local Cinder under load). */
  readonly serverErrors: number;
  /** Requests Keystone received during the command, and of those token requests. */
  readonly keystoneRequests: number;
  readonly tokenRequests: number;
}

/** Options of {@link runVersus}. */
export interface VersusOptions {
  readonly engine: EngineInfo;
  readonly tofu: TofuInstall;
  /** N values, run in this order, each `repeats` times. */
  readonly sizes: readonly number[];
  readonly repeats: number;
  /** At least max(sizes) available volumes of the admin project. */
  readonly volumes: readonly string[];
  /** The admin project's client (checks and releases the volumes; not through the proxies). */
  readonly client: CinderClient;
  /** Counts cycles that failed and were run again. */
  readonly disturbed: { count: number };
  readonly log: (line: string) => void;
}

const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g;

/** `METHOD /path` with IDs folded, and a volume action's name. */
export function requestKind(exchange: Pick<Exchange, "method" | "path" | "requestBody">): string {
  const base = `${exchange.method} ${exchange.path.replace(UUID, "{id}").replace(/\?.*$/, "")}`;
  if (!base.endsWith("/action")) return base;
  try {
    const action = Object.keys(JSON.parse(exchange.requestBody) as Record<string, unknown>)[0];
    return action ? `${base} ${action}` : base;
  } catch {
    return base;
  }
}

/** Every side's working folder and the proxies in front of Cinder and Keystone. */
interface Sides {
  readonly ours: Record<Exclude<Side, "peer">, PulumiProject>;
  readonly peer: TofuWorkspace;
  readonly cinder: CinderProxy;
  readonly keystone: CinderProxy;
}

/** Runs the interleaved cycles; both sides' stacks, states and folders are removed whatever happens. */
export async function runVersus(options: VersusOptions): Promise<VersusRun[]> {
  const name = `bench-peer-${Date.now().toString(36)}-${randomBytes(3).toString("hex")}`;
  const root = path.join(repoRoot, ".local", "bench", name);
  const cinder = await startProxy(new URL(stackSetting("CINDER_KEYSTONE_ENDPOINT")).origin);
  const keystone = await startProxy(new URL(stackSetting("KEYSTONE_URL")).origin);
  const cinderEndpoint = viaOrigin(stackSetting("CINDER_KEYSTONE_ENDPOINT"), cinder.url);
  const authUrl = viaOrigin(stackSetting("KEYSTONE_URL"), keystone.url);

  const ours: PulumiProject[] = [];
  const peer = new TofuWorkspace(options.tofu, path.join(root, "tofu"));
  let clean = false;
  const teardown = async () => {
    for (const project of ours) {
      if (!clean) await project.run(COMMANDS.destroy.ours).catch(() => undefined);
      await project.remove(!clean).catch((err: unknown) => {
        options.log(
          `peer: removing stack ${project.stackName} failed: ${err instanceof Error ? err.message : String(err)}`,
        );
      });
    }
    if (!clean && (await peer.stateResources()) > 0) await peer.run(COMMANDS.destroy.peer).catch(() => undefined);
    await fs.rm(root, { recursive: true, force: true });
    await Promise.all([cinder.close(), keystone.close()]);
  };
  const cleanup = registerCleanup(`peer comparison ${name}`, teardown);

  const runs: VersusRun[] = [];
  try {
    const config: ConfigMap = {
      ...adminStackConfig(),
      "cinder:authUrl": { value: authUrl },
      "cinder:endpoint": { value: cinderEndpoint },
    };
    const project = async (face: EngineFace, kind: ProgramKind) => {
      const side = kind === "floor" ? floorOf(face) : face;
      const created = await PulumiProject.create(
        options.engine,
        face,
        kind,
        path.join(root, side),
        `${name}-${side}`,
        config,
      );
      ours.push(created);
      return created;
    };
    const sides: Sides = {
      ours: {
        dynamic: await project("dynamic", "attachments"),
        plugin: await project("plugin", "attachments"),
        "floor-dynamic": await project("dynamic", "floor"),
        "floor-plugin": await project("plugin", "floor"),
      },
      peer,
      cinder,
      keystone,
    };
    for (let r = 0; r < options.repeats; r += 1) {
      for (const n of options.sizes) {
        const volumes = options.volumes.slice(0, n);
        if (volumes.length < n) throw new Error(`peer: ${n} volumes needed, ${volumes.length} made`);
        await Promise.all(Object.values(sides.ours).map((project) => project.setVolumes(volumes)));
        await peer.write({ volumes, cinderEndpoint, auth: adminUserEnv(authUrl) });
        const order = SIDES.map((_, i) => SIDES[(i + r) % SIDES.length] as Side);
        for (const side of order) runs.push(...(await cycleWithRetries(sides, side, volumes, options)));
      }
    }
    clean = true;
  } finally {
    await cleanup();
  }
  return runs;
}

/** One side's up, preview, refresh, destroy of the volumes; run again (at most 3 times) when disturbed. */
async function cycleWithRetries(
  sides: Sides,
  side: Side,
  volumes: readonly string[],
  options: VersusOptions,
): Promise<VersusRun[]> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      const runs = await cycle(sides, side, volumes, options);
      for (const run of runs) {
        options.log(
          `peer: ${side} ${run.command} N=${run.n}: ${(run.wallMs / 1000).toFixed(2)} s, ` +
            `${run.cinderRequests} Cinder requests${run.serverErrors > 0 ? ` (${run.serverErrors} answered 5xx)` : ""}, ` +
            `${run.keystoneRequests} Keystone requests (${run.tokenRequests} tokens)`,
        );
      }
      return runs;
    } catch (err) {
      options.disturbed.count += 1;
      const message = err instanceof Error ? err.message : String(err);
      const why = message.split("\n")[0] ?? message;
      options.log(`peer: ${side} N=${volumes.length} disturbed (${message}); cleaning up and running it again`);
      if (side === "peer") await sides.peer.run(COMMANDS.destroy.peer).catch(() => undefined);
      else await sides.ours[side].run(COMMANDS.destroy.ours).catch(() => undefined);
      await mapLimit(volumes, 2, (id) => releaseVolume(options.client, id));
      if (attempt >= 3) {
        throw new Error(`peer: ${side} N=${volumes.length} disturbed ${attempt} times: ${why}`, { cause: err });
      }
    }
  }
}

async function cycle(
  sides: Sides,
  side: Side,
  volumes: readonly string[],
  options: VersusOptions,
): Promise<VersusRun[]> {
  const runs: VersusRun[] = [];
  for (const command of COMMAND_NAMES) {
    const cinderMark = sides.cinder.exchanges.length;
    const keystoneMark = sides.keystone.exchanges.length;
    const args = side === "peer" ? COMMANDS[command].peer : COMMANDS[command].ours;
    const result: CliResult = side === "peer" ? await sides.peer.run(args) : await sides.ours[side].run(args);
    if (result.code !== 0) {
      const tail = result.output.trim().split("\n").slice(-15).join("\n");
      throw new Error(
        `${side === "peer" ? "tofu" : `pulumi (${side})`} ${args.join(" ")} exited ${result.code}\n${tail}`,
      );
    }
    await Promise.all([sides.cinder.idle(), sides.keystone.idle()]);
    const seen = sides.cinder.exchanges.slice(cinderMark);
    const atKeystone = sides.keystone.exchanges.slice(keystoneMark);
    const byKind: Record<string, number> = {};
    for (const exchange of seen) {
      const kind = requestKind(exchange);
      byKind[kind] = (byKind[kind] ?? 0) + 1;
    }
    runs.push({
      side,
      command,
      n: volumes.length,
      wallMs: result.wallMs,
      cinderRequests: seen.length,
      cinderByKind: byKind,
      serverErrors: seen.filter((e) => e.status >= 500).length,
      keystoneRequests: atKeystone.length,
      tokenRequests: atKeystone.filter((e) => e.method === "POST" && /\/v3\/auth\/tokens$/.test(e.path)).length,
    });
    if (command === "up" && !isFloor(side)) {
      await expectAttachments(options.client, volumes, volumes.length, `${side} up`);
    }
  }
  await expectAttachments(options.client, volumes, 0, `${side} destroy`);
  return runs;
}

/** Fails unless Cinder holds exactly `count` attachments of `volumes`, all `attached` (the bench's audit). */
async function expectAttachments(
  client: CinderClient,
  volumes: readonly string[],
  count: number,
  after: string,
): Promise<void> {
  const ours = new Set(volumes);
  const held = (await listAttachments(client)).filter((a) => ours.has(a.volumeId));
  const attached = held.filter((a) => a.status === "attached");
  if (held.length !== count || attached.length !== count) {
    throw new Error(
      `after ${after}: Cinder holds ${held.length} attachments of the ${volumes.length} volumes ` +
        `(${attached.length} attached), expected ${count}`,
    );
  }
}
