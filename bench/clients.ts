/**
 * The clients compared per operation, behind one interface: the provider's methods, the resource
 * plugin over gRPC (bench/pluginClient.ts), one raw HTTP request, python-cinderclient as a library and as the `cinder` CLI, and openstacksdk's REST
 * passthrough. Each call returns the time of the operation as the client itself costs it: in-process
 * time for libraries, the process's wall time for the CLI.
 */
import { type ChildProcessWithoutNullStreams, execFile, spawn } from "node:child_process";
import * as path from "node:path";
import { performance } from "node:perf_hooks";
import { createInterface } from "node:readline";
import type { CinderClient } from "../provider/src/cinder/client";
import { AttachmentOperations } from "../provider/src/volumeAttachment/operations";
import type { VolumeAttachmentInputs, VolumeAttachmentOutputs } from "../provider/src/volumeAttachment/shape";
import { noauthEnv, repoRoot, stackEnv } from "./env";
import { RawCinder, type WireConnector } from "./raw";

/** The clients, in the order the tables show them. */
export const CLIENT_NAMES = ["raw", "provider", "plugin", "cinderclient", "openstacksdk", "cinder-cli"] as const;
export type ClientName = (typeof CLIENT_NAMES)[number];

/** Where to connect: host fields of a connector; every client fills the same defaults. */
export interface ConnectorSpec {
  readonly initiator: string;
  readonly ip: string;
  readonly host: string;
}

/** The connector on the wire, as every client sends it (platform, os_type, multipath: CLI defaults). */
export function wireConnector(spec: ConnectorSpec): WireConnector {
  return { ...spec, platform: "x86_64", os_type: "linux2", multipath: false };
}

/** One operation's cost; `id` for creates. */
export interface Timed {
  readonly ms: number;
  readonly id?: string;
}

/** An attachment client under test. */
export interface BenchClient {
  readonly name: ClientName;
  /** attachment-create without a connector (for an instance). */
  reserve(volumeId: string, instanceUuid: string): Promise<Timed>;
  /** attachment-create with a connector; with `complete`, os-complete after it. */
  create(volumeId: string, connector: ConnectorSpec, complete: boolean): Promise<Timed>;
  /** attachment-update with a new connector. */
  update(id: string, connector: ConnectorSpec): Promise<Timed>;
  /** os-complete. */
  complete(id: string): Promise<Timed>;
  /** attachment-show. */
  read(id: string): Promise<Timed>;
  /** attachment-delete. */
  delete(id: string): Promise<Timed>;
  close(): Promise<void>;
}

async function timed<T>(fn: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const started = performance.now();
  const value = await fn();
  return { ms: performance.now() - started, value };
}

/** The floor: {@link RawCinder}. */
export class RawClient implements BenchClient {
  readonly name = "raw";
  private readonly raw: RawCinder;

  constructor(endpoint: string) {
    const env = stackEnv();
    this.raw = new RawCinder(endpoint, `${env["OS_USER_ID"] ?? "admin"}:${env["OS_PROJECT_ID"] ?? "admin"}`);
  }

  async reserve(volumeId: string, instanceUuid: string): Promise<Timed> {
    const { ms, value } = await timed(() => this.raw.reserve(volumeId, instanceUuid));
    return { ms, id: value };
  }

  async create(volumeId: string, connector: ConnectorSpec, complete: boolean): Promise<Timed> {
    const { ms, value } = await timed(async () => {
      const id = await this.raw.create(volumeId, wireConnector(connector));
      if (complete) await this.raw.complete(id);
      return id;
    });
    return { ms, id: value };
  }

  async update(id: string, connector: ConnectorSpec): Promise<Timed> {
    return timed(() => this.raw.update(id, wireConnector(connector)));
  }

  async complete(id: string): Promise<Timed> {
    return timed(() => this.raw.complete(id));
  }

  async read(id: string): Promise<Timed> {
    return timed(() => this.raw.read(id));
  }

  async delete(id: string): Promise<Timed> {
    return timed(() => this.raw.delete(id));
  }

  async close(): Promise<void> {
    this.raw.close();
  }
}

/**
 * New inputs with a connector: their check asks the server's microversions (version discovery) and
 * nothing else. Each bench client sends it once before the operations it times.
 */
export const DISCOVERY_PROBE = {
  volumeId: "00000000-0000-4000-8000-000000000000",
  connector: { initiator: "iqn.1993-08.org.debian:01:bench-probe", ip: "192.0.2.1", host: "bench-probe" },
};

/**
 * The provider's methods as the engine calls them for each operation, in the provider's own code
 * path: `check` then `create`; `check`, `diff` then `update`; `read`; `delete`. One
 * AttachmentOperations (one connected client) for all calls, as in one provider process.
 */
export class ProviderClient implements BenchClient {
  readonly name = "provider";
  private readonly states = new Map<string, VolumeAttachmentOutputs>();

  private constructor(
    readonly operations: AttachmentOperations,
    /** The connected Cinder client (its `stats.requests` counts what the provider sent). */
    readonly cinder: CinderClient,
    /** Time of the connect (version discovery) in ms. */
    readonly connectMs: number,
  ) {}

  /**
   * Connects and lets the provider discover the server's microversions (a check of new inputs with a
   * connector asks them, once per process), so that no operation pays for it.
   */
  static async open(endpoint: string): Promise<ProviderClient> {
    const operations = AttachmentOperations.fromConfig(() => undefined, noauthEnv(endpoint));
    const { ms, value } = await timed(async () => {
      const probe = await operations.check(DISCOVERY_PROBE);
      if (probe.failures.length > 0) throw new Error(`provider probe check failed: ${JSON.stringify(probe.failures)}`);
      return operations.client();
    });
    return new ProviderClient(operations, value, ms);
  }

  private async checked(news: Record<string, unknown>): Promise<VolumeAttachmentInputs> {
    const { inputs, failures } = await this.operations.check(news);
    if (failures.length > 0) throw new Error(`check failed: ${JSON.stringify(failures)}`);
    return inputs;
  }

  private state(id: string): VolumeAttachmentOutputs {
    const state = this.states.get(id);
    if (!state) throw new Error(`provider client: no state for attachment ${id}`);
    return state;
  }

  async reserve(volumeId: string, instanceUuid: string): Promise<Timed> {
    const { ms, value } = await timed(async () =>
      this.operations.create(await this.checked({ volumeId, instanceUuid })),
    );
    this.states.set(value.id, value.outs);
    return { ms, id: value.id };
  }

  async create(volumeId: string, connector: ConnectorSpec, complete: boolean): Promise<Timed> {
    const { ms, value } = await timed(async () =>
      this.operations.create(await this.checked({ volumeId, connector, complete })),
    );
    this.states.set(value.id, value.outs);
    return { ms, id: value.id };
  }

  private async change(id: string, news: Record<string, unknown>): Promise<Timed> {
    const olds = this.state(id);
    const { ms, value } = await timed(async () => {
      const inputs = await this.checked(news);
      const diff = await this.operations.diff(olds, inputs);
      if (!diff.changes || diff.replaces.length > 0) {
        throw new Error(`provider client: expected an in-place update, diff said ${JSON.stringify(diff)}`);
      }
      return this.operations.update(id, olds, inputs);
    });
    this.states.set(id, value.outs);
    return { ms };
  }

  async update(id: string, connector: ConnectorSpec): Promise<Timed> {
    const olds = this.state(id);
    return this.change(id, { volumeId: olds.volumeId, connector, complete: false });
  }

  async complete(id: string): Promise<Timed> {
    const olds = this.state(id);
    return this.change(id, { volumeId: olds.volumeId, connector: olds.connector, complete: true });
  }

  async read(id: string): Promise<Timed> {
    const olds = this.state(id);
    const { ms, value } = await timed(() => this.operations.read(id, olds));
    if (value.id !== id) throw new Error(`provider read of ${id} found nothing`);
    return { ms };
  }

  async delete(id: string): Promise<Timed> {
    const { ms } = await timed(() => this.operations.delete(id));
    this.states.delete(id);
    return { ms };
  }

  async close(): Promise<void> {}
}

/** What the Python peers process reports once it is ready. */
export interface PeersInfo {
  readonly importMs: number;
  readonly versions: Record<string, string>;
  readonly openstacksdkAttachmentMethods: string[];
}

interface PeerAnswer {
  ok: boolean;
  ms?: number;
  id?: string | null;
  error?: string;
  setupMs?: Record<string, number>;
  samples?: Record<string, Record<string, number[]>>;
}

/** What {@link PeersProcess.sequence} runs. */
export interface PeerSequence {
  readonly volume: string;
  readonly instance: string;
  readonly connector: ConnectorSpec;
  readonly moved: ConnectorSpec;
  readonly repeats: number;
  readonly warmup: number;
}

/** One long-lived `python3 bench/peers.py` process serving python-cinderclient and openstacksdk. */
export class PeersProcess {
  private readonly pending: ((answer: PeerAnswer) => void)[] = [];
  private queue: Promise<unknown> = Promise.resolve();

  private constructor(
    private readonly child: ChildProcessWithoutNullStreams,
    readonly info: PeersInfo,
    lines: AsyncIterator<string>,
  ) {
    void (async () => {
      for (;;) {
        const next = await lines.next();
        if (next.done) break;
        this.pending.shift()?.(JSON.parse(next.value) as PeerAnswer);
      }
      for (const waiter of this.pending.splice(0)) waiter({ ok: false, error: "peers process ended" });
    })();
  }

  /** Starts the process (noauth identity of the stack) and waits until it is ready. */
  static async start(): Promise<PeersProcess> {
    const env = stackEnv();
    const child = spawn(
      "/usr/bin/python3",
      [path.join(repoRoot, "bench", "peers.py"), env["OS_USER_ID"] ?? "admin", env["OS_PROJECT_ID"] ?? "admin"],
      { stdio: ["pipe", "pipe", "pipe"], env: { PATH: process.env["PATH"] ?? "/usr/bin:/bin", LANG: "C.UTF-8" } },
    );
    let stderr = "";
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString("utf8")));
    const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
    const first = await lines.next();
    if (first.done) {
      throw new Error(`bench/peers.py ended before it was ready: ${stderr.slice(-2000)}`);
    }
    return new PeersProcess(child, JSON.parse(first.value) as PeersInfo, lines);
  }

  /** Sends one request and waits for its answer (requests are serialized). */
  private exchange(request: Record<string, unknown>): Promise<PeerAnswer> {
    const run = async (): Promise<PeerAnswer> => {
      const answer = await new Promise<PeerAnswer>((resolve) => {
        this.pending.push(resolve);
        this.child.stdin.write(`${JSON.stringify(request)}\n`);
      });
      if (!answer.ok || answer.ms === undefined) {
        throw new Error(`${String(request["client"])} ${String(request["op"])}: ${answer.error ?? "no answer"}`);
      }
      return answer;
    };
    const result = this.queue.then(run, run);
    this.queue = result.catch(() => undefined);
    return result;
  }

  /** Makes the clients for `endpoint`; resolves their setup times (ms) by client. */
  async open(endpoint: string): Promise<Record<string, number>> {
    return (await this.exchange({ op: "open", endpoint })).setupMs ?? {};
  }

  /**
   * Runs the bench's sequence `repeats` times inside Python, both Python clients alternating (for the
   * client-side pass, where the per-request round trip to this process would cost more than the calls).
   */
  async sequence(endpoint: string, run: PeerSequence): Promise<Record<string, Record<string, number[]>>> {
    const answer = await this.exchange({
      op: "sequence",
      endpoint,
      ...run,
      connector: wireConnector(run.connector),
      moved: wireConnector(run.moved),
    });
    return answer.samples ?? {};
  }

  /** Runs one operation of one client; the time is the call's in the Python process. */
  async call(request: Record<string, unknown>): Promise<Timed> {
    const answer = await this.exchange(request);
    return { ms: answer.ms as number, id: answer.id ?? undefined };
  }

  async close(): Promise<void> {
    this.child.stdin.end();
    await new Promise<void>((resolve) => {
      if (this.child.exitCode !== null) resolve();
      else this.child.once("exit", () => resolve());
    });
  }
}

/** python-cinderclient (as a library) or openstacksdk, served by a {@link PeersProcess}. */
export class PeerClient implements BenchClient {
  constructor(
    readonly name: "cinderclient" | "openstacksdk",
    private readonly peers: PeersProcess,
    /** An endpoint {@link PeersProcess.open} was called for. */
    private readonly endpoint: string,
  ) {}

  private call(op: string, fields: Record<string, unknown>): Promise<Timed> {
    return this.peers.call({ endpoint: this.endpoint, client: this.name, op, ...fields });
  }

  reserve(volumeId: string, instanceUuid: string): Promise<Timed> {
    return this.call("reserve", { volume: volumeId, instance: instanceUuid });
  }

  create(volumeId: string, connector: ConnectorSpec, complete: boolean): Promise<Timed> {
    return this.call("create", { volume: volumeId, connector: wireConnector(connector), complete });
  }

  update(id: string, connector: ConnectorSpec): Promise<Timed> {
    return this.call("update", { id, connector: wireConnector(connector) });
  }

  complete(id: string): Promise<Timed> {
    return this.call("complete", { id });
  }

  read(id: string): Promise<Timed> {
    return this.call("read", { id });
  }

  delete(id: string): Promise<Timed> {
    return this.call("delete", { id });
  }

  async close(): Promise<void> {}
}

/** The `cinder` CLI (python-cinderclient's shell), one process per command, noauth as documented. */
export class CliClient implements BenchClient {
  readonly name = "cinder-cli";

  constructor(private readonly env: NodeJS.ProcessEnv) {}

  /** The CLI's environment for a noauth endpoint. */
  static noauth(endpoint: string): CliClient {
    return new CliClient({ ...noauthEnv(endpoint), OS_VOLUME_API_VERSION: "3.54" });
  }

  /** Runs `cinder <args>`; the wall time of the whole process. */
  async run(args: string[]): Promise<{ ms: number; stdout: string }> {
    const env = { PATH: process.env["PATH"] ?? "/usr/bin:/bin", HOME: process.env["HOME"] ?? "/root", ...this.env };
    const { ms, value } = await timed(
      () =>
        new Promise<string>((resolve, reject) => {
          execFile("cinder", args, { env, timeout: 120_000 }, (err, stdout, stderr) => {
            if (err) reject(new Error(`cinder ${args.join(" ")} failed: ${err.message}\n${stderr}`));
            else resolve(stdout);
          });
        }),
    );
    return { ms, stdout: value };
  }

  private async created(args: string[]): Promise<Timed> {
    const { ms, stdout } = await this.run(args);
    const match = /^\|\s*id\s*\|\s*([0-9a-f-]{36})\s*\|/m.exec(stdout);
    if (!match?.[1]) throw new Error(`cinder ${args.join(" ")} printed no id:\n${stdout}`);
    return { ms, id: match[1] };
  }

  reserve(volumeId: string, instanceUuid: string): Promise<Timed> {
    return this.created(["attachment-create", volumeId, instanceUuid]);
  }

  async create(volumeId: string, connector: ConnectorSpec, complete: boolean): Promise<Timed> {
    const made = await this.created(["attachment-create", "--connect", "True", ...connectorArgs(connector), volumeId]);
    if (!complete || !made.id) return made;
    const completed = await this.complete(made.id);
    return { ms: made.ms + completed.ms, id: made.id };
  }

  async update(id: string, connector: ConnectorSpec): Promise<Timed> {
    return { ms: (await this.run(["attachment-update", ...connectorArgs(connector), id])).ms };
  }

  async complete(id: string): Promise<Timed> {
    return { ms: (await this.run(["attachment-complete", id])).ms };
  }

  async read(id: string): Promise<Timed> {
    return { ms: (await this.run(["attachment-show", id])).ms };
  }

  async delete(id: string): Promise<Timed> {
    return { ms: (await this.run(["attachment-delete", id])).ms };
  }

  async close(): Promise<void> {}
}

function connectorArgs(connector: ConnectorSpec): string[] {
  return ["--initiator", connector.initiator, "--ip", connector.ip, "--host", connector.host];
}
