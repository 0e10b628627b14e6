/**
 * Part 1: the cost of each attachment operation per client, and the HTTP requests each sends.
 *
 * Every client works on a volume of its own and runs the same sequence:
 *   reserve -> delete (reserved) -> full create -> update -> complete -> read -> delete
 *   -> full create + complete -> delete
 * The timing pass talks to Cinder directly and interleaves the clients step by step (client order
 * rotated and reversed each repeat, so drift and load spread evenly); ratios are taken per step
 * against the raw request of the same repeat, then their median. The counting pass runs the
 * sequence once per client through a recording proxy (test/support/proxy.ts).
 */
import type { CinderClient } from "../provider/src/cinder/client";
import { type Exchange, startProxy } from "../test/support/proxy";
import {
  type BenchClient,
  CLIENT_NAMES,
  type ClientName,
  CliClient,
  type ConnectorSpec,
  PeerClient,
  type PeersInfo,
  PeersProcess,
  ProviderClient,
  RawClient,
} from "./clients";
import { stackSetting, viaOrigin } from "./env";
import { type RecordedAnswer, recordAnswers, startReplay } from "./replay";
import { REQUESTS_BEFORE_CREATE } from "./minimal";
import { PluginClient } from "./pluginClient";
import { releaseVolume } from "./volumes";

/** The operations measured, in table order. */
export const OP_NAMES = [
  "reserve",
  "createConnected",
  "createCompleted",
  "update",
  "complete",
  "read",
  "deleteReserved",
  "delete",
] as const;
export type OpName = (typeof OP_NAMES)[number];

/**
 * How each operation is shown, the fewest requests the API allows for it (`minimal`: the raw
 * request's), and what our core sends by design (`provider`: also the resource plugin's): the same,
 * but for a create with an `instanceUuid` (reserve here), which looks first ({@link REQUESTS_BEFORE_CREATE}).
 */
export const OP_INFO: Record<OpName, { label: string; minimal: number; provider: number }> = {
  reserve: { label: "reserve (create, no connector)", minimal: 1, provider: 1 + REQUESTS_BEFORE_CREATE },
  createConnected: { label: "full create (with connector)", minimal: 1, provider: 1 },
  createCompleted: { label: "full create + complete", minimal: 2, provider: 2 },
  update: { label: "update (new connector)", minimal: 1, provider: 1 },
  complete: { label: "complete (os-complete)", minimal: 1, provider: 1 },
  read: { label: "read (attachment show)", minimal: 1, provider: 1 },
  deleteReserved: { label: "delete (reserved)", minimal: 1, provider: 1 },
  delete: { label: "delete (connected)", minimal: 1, provider: 1 },
};

const INSTANCE = "6f1c2b7e-3d4a-4e5f-8a9b-0c1d2e3f4a5b";
const CONNECTOR: ConnectorSpec = { initiator: "iqn.1993-08.org.debian:01:bench-a", ip: "192.0.2.10", host: "bench-a" };
const MOVED: ConnectorSpec = { initiator: "iqn.1993-08.org.debian:01:bench-b", ip: "192.0.2.11", host: "bench-b" };

/** One step of the sequence: runs one operation of a client, given the attachment it works on. */
interface Step {
  readonly op: OpName;
  run(client: BenchClient, volumeId: string, current: string | undefined): Promise<{ ms: number; id?: string }>;
}

function need(id: string | undefined): string {
  if (!id) throw new Error("sequence: no attachment to work on");
  return id;
}

const SEQUENCE: readonly Step[] = [
  { op: "reserve", run: (c, v) => c.reserve(v, INSTANCE) },
  { op: "deleteReserved", run: (c, _v, id) => c.delete(need(id)) },
  { op: "createConnected", run: (c, v) => c.create(v, CONNECTOR, false) },
  { op: "update", run: (c, _v, id) => c.update(need(id), MOVED) },
  { op: "complete", run: (c, _v, id) => c.complete(need(id)) },
  { op: "read", run: (c, _v, id) => c.read(need(id)) },
  { op: "delete", run: (c, _v, id) => c.delete(need(id)) },
  { op: "createCompleted", run: (c, v) => c.create(v, CONNECTOR, true) },
  { op: "delete", run: (c, _v, id) => c.delete(need(id)) },
];

/** Ops after which the client holds no attachment. */
const ENDS_ATTACHMENT: ReadonlySet<OpName> = new Set(["deleteReserved", "delete"]);

/** Requests one operation sent, as the proxy saw them. */
export interface OpRequests {
  readonly count: number;
  /** `METHOD /path (microversion)`, ids shown as `{id}`. */
  readonly requests: string[];
  /** Time of the operation in the counting pass (through the proxy). */
  readonly ms: number;
}

/** Everything part 1 measured. */
export interface OperationsResult {
  /** The clients measured. */
  readonly clients: readonly ClientName[];
  readonly repeats: number;
  readonly cliRepeats: number;
  /** Timing pass: per client and op, samples in ms in order of occurrence. */
  readonly samples: Record<ClientName, Record<OpName, number[]>>;
  /** Per client and op: the client's time divided by raw's in the same repeat and step. */
  readonly pairedRatios: Record<ClientName, Record<OpName, number[]>>;
  /** Counting pass: requests per client and op (every occurrence). */
  readonly requests: Record<ClientName, Record<OpName, OpRequests[]>>;
  /** Requests a client sends before its first operation (per process for the CLI: included per op). */
  readonly setup: Record<ClientName, { requests: string[]; ms?: number }>;
  /** The provider's own count (CinderClient.stats.requests) over the counting pass, and the proxy's. */
  readonly providerSelfCount: { readonly stats: number; readonly proxy: number };
  readonly peers: PeersInfo;
  /** Setup time of the Python clients (ms by client), in the counting pass. */
  readonly peerSetupMs: Record<string, number>;
  /** Steps or passes that failed or saw a 5xx from Cinder (other work on the shared database), and were redone or dropped. */
  readonly disturbed: number;
  /** Client-side pass: per client and op, ms against recorded answers (no Cinder), in order. */
  readonly clientSide: Record<ClientName, Record<OpName, number[]>>;
  /** Repeats of the client-side pass (after its warm-up). */
  readonly clientSideRepeats: number;
}

function emptyRecord<T>(make: () => T): Record<ClientName, Record<OpName, T>> {
  const record = {} as Record<ClientName, Record<OpName, T>>;
  for (const client of CLIENT_NAMES) {
    const ops = {} as Record<OpName, T>;
    for (const op of OP_NAMES) ops[op] = make();
    record[client] = ops;
  }
  return record;
}

const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g;

function describe(exchange: { method: string; path: string; requestHeaders: Record<string, unknown> }): string {
  const version = exchange.requestHeaders["openstack-api-version"];
  const path = exchange.path.replace(UUID, "{id}").replace(/\?.*$/, "");
  return `${exchange.method} ${path}${typeof version === "string" ? ` (${version.replace(/^volume /, "")})` : ""}`;
}

/** The five clients against one endpoint, and the setup times of the Python ones. */
interface OpenedClients {
  readonly clients: Record<ClientName, BenchClient>;
  readonly peerSetupMs: Record<string, number>;
}

/**
 * Opens the clients against `endpoint` (the Python ones in the shared peers process); `between`
 * runs after the Python clients are made and before the provider connects, `afterProvider` after the
 * provider connected and before the plugin starts.
 */
async function openClients(
  endpoint: string,
  peers: PeersProcess,
  between: () => Promise<void> = async () => {},
  afterProvider: () => Promise<void> = async () => {},
): Promise<OpenedClients> {
  const peerSetupMs = await peers.open(endpoint);
  await between();
  const provider = await ProviderClient.open(endpoint);
  await afterProvider();
  return {
    peerSetupMs,
    clients: {
      raw: new RawClient(endpoint),
      provider,
      plugin: await PluginClient.open(endpoint),
      cinderclient: new PeerClient("cinderclient", peers, endpoint),
      openstacksdk: new PeerClient("openstacksdk", peers, endpoint),
      "cinder-cli": CliClient.noauth(endpoint),
    },
  };
}

/** Options of {@link runOperations}. */
export interface OperationsOptions {
  /** Repeats of the timing pass for the in-process clients. */
  readonly repeats: number;
  /** Repeats of the timing pass that include the CLI (the first ones); 0 leaves it to the counting pass. */
  readonly cliRepeats: number;
  /** Whether the cinder CLI takes part at all (seconds per command: left out of the quick run). */
  readonly withCli: boolean;
  /** One volume per client, available. */
  readonly volumes: Record<ClientName, string>;
  /** Repeats of the client-side pass against recorded answers. */
  readonly clientSideRepeats: number;
  /** An admin client, to put a volume right after a disturbed step. */
  readonly admin: CinderClient;
  readonly log: (line: string) => void;
}

function clientsOf(options: OperationsOptions): ClientName[] {
  return CLIENT_NAMES.filter((name) => options.withCli || name !== "cinder-cli");
}

/** Runs the counting pass, then the timing pass. */
export async function runOperations(options: OperationsOptions): Promise<OperationsResult> {
  const endpoint = stackSetting("CINDER_ENDPOINT");
  const answers = new Map<string, RecordedAnswer>();
  const peers = await PeersProcess.start();
  let counting, clientSide, timing;
  try {
    counting = await countingPass(endpoint, options, answers, peers);
    clientSide = await clientSidePass(answers, options, peers);
    timing = await timingPass(endpoint, options, peers);
  } finally {
    await peers.close();
  }
  return {
    clientSide,
    clientSideRepeats: options.clientSideRepeats,
    clients: clientsOf(options),
    repeats: options.repeats,
    cliRepeats: options.withCli ? options.cliRepeats : 0,
    ...counting,
    ...timing,
    disturbed: counting.disturbed + timing.disturbed,
  };
}

/**
 * Each client through the recording proxy, the sequence once. A pass that failed or saw a 5xx
 * (the shared local Cinder can fail a request while other work loads it at the same time)
 * does not show the client's own behaviour: its volume is put right and the pass runs again.
 */
async function countingPass(
  endpoint: string,
  options: OperationsOptions,
  answers: Map<string, RecordedAnswer>,
  peers: PeersProcess,
): Promise<Pick<OperationsResult, "requests" | "setup" | "providerSelfCount" | "peers" | "peerSetupMs" | "disturbed">> {
  options.log("operations: counting pass (through a recording proxy)");
  const requests = emptyRecord<OpRequests[]>(() => []);
  const proxy = await startProxy(new URL(endpoint).origin);
  const proxied = viaOrigin(endpoint, proxy.url);
  let disturbed = 0;
  try {
    let mark = 0;
    const take = async (): Promise<Exchange[]> => {
      await proxy.idle();
      const seen = proxy.exchanges.slice(mark);
      mark = proxy.exchanges.length;
      recordAnswers(
        seen.filter((e) => e.status < 500),
        answers,
      );
      return seen;
    };
    let peerSetup: string[] = [];
    let providerSetup: string[] = [];
    const { clients, peerSetupMs } = await openClients(
      proxied,
      peers,
      async () => {
        peerSetup = (await take()).map(describe);
      },
      async () => {
        providerSetup = (await take()).map(describe);
      },
    );
    const provider = clients.provider as ProviderClient;
    const pluginSetup = (await take()).map(describe);
    let providerSelfCount = { stats: 0, proxy: 0 };

    for (const name of clientsOf(options)) {
      for (let attempt = 1; ; attempt += 1) {
        const statsBefore = provider.cinder.stats.requests;
        const seenOps: { op: OpName; seen: Exchange[]; ms: number }[] = [];
        let failure: unknown;
        let current: string | undefined;
        try {
          for (const step of SEQUENCE) {
            const done = await step.run(clients[name], options.volumes[name], current);
            current = ENDS_ATTACHMENT.has(step.op) ? undefined : (done.id ?? current);
            seenOps.push({ op: step.op, seen: await take(), ms: done.ms });
          }
        } catch (err) {
          failure = err;
          await take();
        }
        const serverErrors = seenOps.flatMap((s) => s.seen).filter((e) => e.status >= 500);
        if (failure === undefined && serverErrors.length === 0) {
          for (const { op, seen, ms } of seenOps) {
            requests[name][op].push({ count: seen.length, requests: seen.map(describe), ms });
          }
          if (name === "provider") {
            providerSelfCount = {
              stats: provider.cinder.stats.requests - statsBefore,
              proxy: seenOps.reduce((sum, s) => sum + s.seen.length, 0),
            };
          }
          options.log(`  ${name}: ${seenOps.map((s) => s.seen.length).join(" ")} requests`);
          break;
        }
        disturbed += 1;
        const why = failure instanceof Error ? failure.message.split("\n")[0] : `${serverErrors.length} answer(s) 5xx`;
        options.log(`  ${name}: counting pass disturbed (${why}); the volume is reset and the pass runs again`);
        await releaseVolume(options.admin, options.volumes[name]);
        if (attempt >= 5) throw new Error(`${name}: counting pass disturbed ${attempt} times: ${why}`);
      }
    }
    await Promise.all(Object.values(clients).map((c) => c.close()));
    const setup = {} as Record<ClientName, { requests: string[]; ms?: number }>;
    for (const name of CLIENT_NAMES) setup[name] = { requests: [] };
    setup.provider = { requests: providerSetup, ms: provider.connectMs };
    setup.plugin = { requests: pluginSetup, ms: (clients.plugin as PluginClient).connectMs };
    setup.cinderclient = { requests: peerSetup };
    setup.openstacksdk = { requests: peerSetup };
    return { requests, setup, providerSelfCount, peers: peers.info, peerSetupMs, disturbed };
  } finally {
    await proxy.close();
  }
}

/**
 * Every client but the CLI against a server that replays the counting pass's answers at once: each
 * client's own cost per operation, without Cinder's time and its noise. raw, the provider and the plugin
 * alternate step by step here; the Python clients alternate inside their process. A warm-up of a
 * tenth of the repeats (at least 5) is not recorded.
 */
async function clientSidePass(
  answers: ReadonlyMap<string, RecordedAnswer>,
  options: OperationsOptions,
  peers: PeersProcess,
): Promise<Record<ClientName, Record<OpName, number[]>>> {
  const samples = emptyRecord<number[]>(() => []);
  const replay = await startReplay(answers);
  try {
    const { clients } = await openClients(replay.endpoint, peers);
    const names: ClientName[] = ["raw", "provider", "plugin"];
    const warmup = Math.max(5, Math.round(options.clientSideRepeats / 10));
    options.log(`operations: client-side pass (${options.clientSideRepeats} repeats against recorded answers)`);
    for (let repeat = -warmup; repeat < options.clientSideRepeats; repeat += 1) {
      const order = repeat % 2 === 0 ? names : [...names].reverse();
      const current = new Map<ClientName, string | undefined>();
      for (const step of SEQUENCE) {
        for (const name of order) {
          // The volume id only has to look like one: the server answers by kind.
          const done = await step.run(clients[name], options.volumes[name], current.get(name));
          current.set(name, ENDS_ATTACHMENT.has(step.op) ? undefined : (done.id ?? current.get(name)));
          if (repeat >= 0) samples[name][step.op].push(done.ms);
        }
      }
    }
    // The Python clients run the same sequence inside their process (one round trip in all).
    const python = await peers.sequence(replay.endpoint, {
      volume: options.volumes.cinderclient,
      instance: INSTANCE,
      connector: CONNECTOR,
      moved: MOVED,
      repeats: options.clientSideRepeats,
      warmup,
    });
    for (const name of ["cinderclient", "openstacksdk"] as const) {
      for (const op of OP_NAMES) samples[name][op].push(...(python[name]?.[op] ?? []));
    }
    await Promise.all(Object.values(clients).map((c) => c.close()));
    if (replay.unknown.length > 0) {
      throw new Error(`client-side pass: no recorded answer for ${[...new Set(replay.unknown)].join(", ")}`);
    }
  } finally {
    await replay.close();
  }
  return samples;
}

/**
 * Straight to Cinder, the clients interleaved step by step. A step that fails (see above) ends that
 * client's sequence for the repeat; its volume is put right.
 */
async function timingPass(
  endpoint: string,
  options: OperationsOptions,
  peers: PeersProcess,
): Promise<Pick<OperationsResult, "samples" | "pairedRatios" | "disturbed">> {
  const samples = emptyRecord<number[]>(() => []);
  const pairedRatios = emptyRecord<number[]>(() => []);
  let disturbed = 0;
  const { clients } = await openClients(endpoint, peers);
  for (let repeat = 0; repeat < options.repeats; repeat += 1) {
    const active = clientsOf(options).filter((name) => name !== "cinder-cli" || repeat < options.cliRepeats);
    const rotated = active.map((_, i) => active[(i + repeat) % active.length] as ClientName);
    const order = repeat % 2 === 1 ? rotated.reverse() : rotated;
    const current = new Map<ClientName, string | undefined>();
    const broken = new Set<ClientName>();
    for (const step of SEQUENCE) {
      const times = new Map<ClientName, number>();
      for (const name of order) {
        if (broken.has(name)) continue;
        try {
          const done = await step.run(clients[name], options.volumes[name], current.get(name));
          current.set(name, ENDS_ATTACHMENT.has(step.op) ? undefined : (done.id ?? current.get(name)));
          samples[name][step.op].push(done.ms);
          times.set(name, done.ms);
        } catch (err) {
          disturbed += 1;
          broken.add(name);
          const why = err instanceof Error ? err.message.split("\n")[0] : String(err);
          options.log(`  ${name} ${step.op} failed (${why}); its volume is reset, its repeat ends here`);
          await releaseVolume(options.admin, options.volumes[name]);
        }
      }
      const floor = times.get("raw");
      if (floor !== undefined) {
        for (const [name, value] of times) pairedRatios[name][step.op].push(value / floor);
      }
    }
    options.log(`operations: timing repeat ${repeat + 1}/${options.repeats} (${order.join(", ")})`);
  }
  await Promise.all(Object.values(clients).map((c) => c.close()));
  return { samples, pairedRatios, disturbed };
}
