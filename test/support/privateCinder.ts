/**
 * Cinder daemons of a suite's own, beside the local stack's: each runs with the stack's cinder.conf
 * (same database, RabbitMQ and scheduler) plus an override of its own, so that a fault suite may kill
 * and restart it without disturbing the other suites that share the stack.
 *
 * - {@link PrivateCinderApi}: a cinder-api on a port of its own.
 * - {@link PrivateCinderVolume}: a cinder-volume with a backend of its own in an availability zone of
 *   its own; only volumes created in that zone live on it, so nobody else's attachments depend on it.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { join } from "node:path";
import { z } from "zod";
import type { CinderClient } from "../../provider/src/cinder/client";
import { CinderBadRequestError } from "../../provider/src/cinder/errors";
import type { Volume } from "../../provider/src/cinder/volumes/schemas";
import { REPO_ROOT, type TestVolumes } from "./stack";

const STACK_DIR = join(REPO_ROOT, ".local", "stack");
const STACK_CONF = join(STACK_DIR, "cinder", "cinder.conf");
/** Where the stack's daemons log; the private ones log there too, so the secret scan sees them. */
export const STACK_LOGS = join(STACK_DIR, "logs");

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A Cinder daemon started, killed and restarted by a test suite. */
abstract class PrivateCinderService {
  private child?: ChildProcess;
  private pending: Promise<void> = Promise.resolve();
  /** Kills so far (each followed by a start). */
  restarts = 0;

  protected constructor(
    /** Unique among private services: names its folder, log file and pid file. */
    readonly name: string,
    private readonly binary: string,
  ) {}

  protected get dir(): string {
    return join(STACK_DIR, "private", this.name);
  }

  /** Whether it was started and has not exited since. */
  get running(): boolean {
    return this.child !== undefined && this.child.exitCode === null && this.child.signalCode === null;
  }

  /** Its own log file, in the stack's log folder. */
  get logFile(): string {
    return join(STACK_LOGS, `${this.name}.log`);
  }

  /** The override of the stack's cinder.conf (it must set `log_file = <name>.log`). */
  protected abstract override(): Promise<string>;

  /** Resolves true once the daemon serves. */
  protected abstract serving(): Promise<boolean>;

  /** Extra environment of the daemon. */
  protected environment(): NodeJS.ProcessEnv {
    return {};
  }

  /** Starts it and waits until it serves (30 s at most). A leftover of an earlier run is killed first. */
  async start(): Promise<void> {
    mkdirSync(this.dir, { recursive: true });
    const pidFile = join(this.dir, "pid");
    killLeftover(pidFile);
    const overrideFile = join(this.dir, "override.conf");
    writeFileSync(overrideFile, await this.override());
    await this.beforeStart();
    const child = spawn(this.binary, ["--config-file", STACK_CONF, "--config-file", overrideFile], {
      detached: true,
      stdio: "ignore",
      env: { ...process.env, ...this.environment() },
    });
    this.child = child;
    if (child.pid) writeFileSync(pidFile, String(child.pid));
    const deadline = Date.now() + 30_000;
    while (!(await this.serving())) {
      if (child.exitCode !== null) throw new Error(`${this.name} exited with ${child.exitCode}; see ${this.logFile}`);
      if (Date.now() > deadline) throw new Error(`${this.name} did not come up in 30 s; see ${this.logFile}`);
      await sleep(100);
    }
  }

  /** Called before each spawn. */
  protected beforeStart(): Promise<void> {
    return Promise.resolve();
  }

  /**
   * After `afterMs`, kills it like a crash (SIGKILL to its whole process group) or stops it (SIGTERM),
   * keeps it down for `downMs`, then starts it again. {@link settled} resolves when it serves again.
   */
  restart(options: { afterMs?: number; signal?: NodeJS.Signals; downMs?: number } = {}): Promise<void> {
    const { afterMs = 0, signal = "SIGKILL", downMs = 0 } = options;
    this.restarts += 1;
    this.pending = sleep(afterMs)
      .then(() => this.stop(signal))
      .then(() => sleep(downMs))
      .then(() => this.start());
    return this.pending;
  }

  /** Resolves once the last restart is done. */
  settled(): Promise<void> {
    return this.pending;
  }

  /** Stops it (its whole process group) and waits for it to exit. */
  async stop(signal: NodeJS.Signals = "SIGTERM"): Promise<void> {
    const child = this.child;
    if (!child?.pid || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once("exit", resolve));
    process.kill(-child.pid, signal);
    await exited;
  }
}

/** A cinder-api of the suite's own on a free loopback port. */
export class PrivateCinderApi extends PrivateCinderService {
  private port = 0;

  /**
   * @param rpcTimeoutSeconds how long it waits for cinder-volume's answer to an RPC call (Cinder's
   *   default is 60 s); a shorter wait lets a request whose RPC a killed cinder-volume lost end sooner.
   */
  constructor(
    name = "cinder-api-faults",
    private readonly rpcTimeoutSeconds?: number,
  ) {
    super(name, "cinder-api");
  }

  /** `http://127.0.0.1:<port>`: append `/v3` for the endpoint. */
  get origin(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  protected async override(): Promise<string> {
    if (!this.port) this.port = await freePort();
    const rpcTimeout = this.rpcTimeoutSeconds ? `rpc_response_timeout = ${this.rpcTimeoutSeconds}\n` : "";
    return `[DEFAULT]\nosapi_volume_listen_port = ${this.port}\nlog_file = ${this.name}.log\n${rpcTimeout}`;
  }

  protected serving(): Promise<boolean> {
    return fetch(`${this.origin}/`).then(
      () => true,
      () => false,
    );
  }
}

/** Options of {@link PrivateCinderVolume}. */
export interface PrivateCinderVolumeOptions {
  /** Its availability zone, also its host and backend name (default `faults`). */
  zone?: string;
  /** Seconds every initialize_connection and terminate_connection takes (the fixture driver's delay). */
  connectionDelaySeconds?: number;
}

/**
 * A cinder-volume of the suite's own: host `<zone>-volume`, backend `<zone>` with the stack's fixture
 * iSCSI driver, availability zone `<zone>`. Create its volumes with {@link createVolume}.
 */
export class PrivateCinderVolume extends PrivateCinderService {
  readonly zone: string;
  private readonly delay: number;
  private startsLogged = 0;

  constructor(options: PrivateCinderVolumeOptions = {}) {
    const zone = options.zone ?? "faults";
    super(`cinder-volume-${zone}`, "cinder-volume");
    this.zone = zone;
    this.delay = options.connectionDelaySeconds ?? 0;
  }

  /** The backend's service host, as os-services and volumes show it. */
  get backendHost(): string {
    return `${this.zone}-volume@${this.zone}`;
  }

  protected override(): Promise<string> {
    return Promise.resolve(
      [
        "[DEFAULT]",
        `host = ${this.zone}-volume`,
        `enabled_backends = ${this.zone}`,
        `storage_availability_zone = ${this.zone}`,
        `log_file = ${this.name}.log`,
        "",
        `[${this.zone}]`,
        "volume_driver = fixture_iscsi_driver.FixtureISCSIDriver",
        `volume_backend_name = ${this.zone}`,
        "target_helper = fake",
        "target_protocol = iscsi",
        "target_ip_address = 127.0.0.1",
        "target_port = 3260",
        "",
      ].join("\n"),
    );
  }

  protected environment(): NodeJS.ProcessEnv {
    const fixtures = join(REPO_ROOT, "test", "stack-fixtures");
    const pythonPath = process.env["PYTHONPATH"];
    return {
      PYTHONPATH: pythonPath ? `${fixtures}:${pythonPath}` : fixtures,
      FIXTURE_CONNECTION_DELAY: String(this.delay),
    };
  }

  protected beforeStart(): Promise<void> {
    this.startsLogged = this.driverStarts();
    return Promise.resolve();
  }

  /** Serving once its log shows one more driver start than before this start: it consumes RPC now. */
  protected serving(): Promise<boolean> {
    return Promise.resolve(this.driverStarts() > this.startsLogged);
  }

  private driverStarts(): number {
    if (!existsSync(this.logFile)) return 0;
    return readFileSync(this.logFile, "utf8").split("Driver post RPC initialization completed successfully").length - 1;
  }

  /**
   * Creates an available volume on this backend (through `volumes`, which deletes it at cleanup).
   * Waits until the scheduler knows the backend; cinder-api caches the zones it knows, and refreshes
   * them after refusing an unknown one, so that refusal is met with one more try.
   */
  async createVolume(client: CinderClient, volumes: TestVolumes): Promise<Volume> {
    const deadline = Date.now() + 30_000;
    while (!(await this.scheduled(client))) {
      if (Date.now() > deadline) throw new Error(`the scheduler has no pool of ${this.backendHost} after 30 s`);
      await sleep(250);
    }
    try {
      return await volumes.create(client, { availabilityZone: this.zone });
    } catch (err) {
      if (!(err instanceof CinderBadRequestError && /availability zone/i.test(err.message))) throw err;
      return volumes.create(client, { availabilityZone: this.zone });
    }
  }

  private async scheduled(client: CinderClient): Promise<boolean> {
    const { pools } = await client.send({
      operation: "list pools",
      method: "GET",
      path: "scheduler-stats/get_pools",
      microversion: await client.negotiated(),
      okStatuses: [200],
      schema: POOLS_SCHEMA(),
    });
    return pools.some((pool) => pool.name.startsWith(`${this.backendHost}#`));
  }
}

const POOLS_SCHEMA = () => z.object({ pools: z.array(z.object({ name: z.string() })) });

/** Kills the process group named by a pid file of an earlier run, if it still runs. */
function killLeftover(pidFile: string): void {
  if (!existsSync(pidFile)) return;
  const pid = Number(readFileSync(pidFile, "utf8").trim());
  if (!Number.isInteger(pid) || pid <= 1) return;
  try {
    process.kill(-pid, "SIGKILL");
  } catch {
    // Gone already.
  }
}

/** A free loopback port. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once("error", reject);
    probe.listen(0, "127.0.0.1", () => {
      const address = probe.address();
      probe.close(() => resolve(typeof address === "object" && address ? address.port : 0));
    });
  });
}
