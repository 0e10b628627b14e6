/**
 * The resource plugin as the engine sees it: the built `pulumi-resource-cinder` started as a process,
 * spoken to over gRPC with the SDK's own stubs and property (de)serialisation. Tests and the bench
 * use it to drive the plugin face without the engine in between.
 */
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import * as grpc from "@grpc/grpc-js";
import { Empty } from "google-protobuf/google/protobuf/empty_pb";
import { Struct } from "google-protobuf/google/protobuf/struct_pb";
import { ResourceProviderClient } from "@pulumi/pulumi/proto/provider_grpc_pb";
import * as proto from "@pulumi/pulumi/proto/provider_pb";
import * as rpc from "@pulumi/pulumi/runtime/rpc";
import { REPO_ROOT } from "./stack";

/** The built plugin folder (what `plugins.providers[].path` points at). */
export const PLUGIN_DIR = join(REPO_ROOT, "dist", "plugin", "pulumi-resource-cinder");
/**
 * The plugin's version (the package's), as a project's `plugins.providers[].version` names it: with
 * it the YAML host caches the plugin's schema instead of starting a plugin process to read it.
 */
export const PLUGIN_VERSION = (JSON.parse(readFileSync(join(REPO_ROOT, "package.json"), "utf8")) as { version: string })
  .version;
/** The type token the plugin serves. */
export const PLUGIN_TYPE = "cinder:index:VolumeAttachment";

/** Plain values and which top-level keys came back secret. */
export interface Received {
  values: Record<string, unknown>;
  secrets: string[];
}

function newestMtime(path: string): number {
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return Math.max(stat.mtimeMs, ...readdirSync(path).map((child) => newestMtime(join(path, child))));
}

/** Builds the plugin (scripts/plugin/build.mjs, under the build lock) when it is missing or older than its sources. */
export function ensurePlugin(): string {
  const bundle = join(PLUGIN_DIR, "bundle.cjs");
  const sources = [
    "provider/src",
    "provider/cmd",
    "package.json",
    "scripts/plugin/build.mjs",
    "scripts/plugin/loader.cjs",
  ];
  const newest = Math.max(...sources.map((source) => newestMtime(join(REPO_ROOT, source))));
  if (!existsSync(bundle) || statSync(bundle).mtimeMs < newest) {
    mkdirSync(join(REPO_ROOT, ".local"), { recursive: true });
    execFileSync("flock", [join(REPO_ROOT, ".local", "build.lock"), "node", "scripts/plugin/build.mjs"], {
      cwd: REPO_ROOT,
      stdio: ["ignore", "ignore", "inherit"],
    });
  }
  return PLUGIN_DIR;
}

/** A running plugin process and a gRPC client of it. */
export class PluginProcess {
  private constructor(
    private readonly child: ChildProcess,
    private readonly client: ResourceProviderClient,
    /** Everything the plugin wrote to stderr. */
    readonly stderr: () => string,
  ) {}

  /** Starts the built plugin with `env` (nothing of the test's own environment but PATH and HOME). */
  static async start(env: NodeJS.ProcessEnv = {}): Promise<PluginProcess> {
    const dir = ensurePlugin();
    const child = spawn(join(dir, "pulumi-resource-cinder"), ["127.0.0.1:1"], {
      env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stderr = "";
    child.stderr?.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    const port = await new Promise<number>((resolve, reject) => {
      let out = "";
      child.stdout?.on("data", (chunk: Buffer) => {
        out += chunk.toString();
        const line = /^(\d+)\n/.exec(out);
        if (line) resolve(Number(line[1]));
      });
      child.once("exit", (code) => reject(new Error(`the plugin exited (${code}) before serving: ${stderr}`)));
    });
    const client = new ResourceProviderClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
    return new PluginProcess(child, client, () => stderr);
  }

  /** The process id (for lifetime checks). */
  get pid(): number | undefined {
    return this.child.pid;
  }

  /** Calls one unary RPC by its method name on the client. */
  call<Req, Res>(method: keyof ResourceProviderClient, request: Req): Promise<Res> {
    const fn = this.client[method] as unknown as (
      req: Req,
      callback: (err: grpc.ServiceError | null, res: Res) => void,
    ) => void;
    return new Promise((resolve, reject) =>
      fn.call(this.client, request, (err, res) => (err ? reject(err) : resolve(res))),
    );
  }

  /** Configure with stack-config variables (`cinder:<key>`), as the engine configures the default provider. */
  async configure(settings: Record<string, string>): Promise<proto.ConfigureResponse> {
    const request = new proto.ConfigureRequest().setAcceptsecrets(true);
    for (const [key, value] of Object.entries(settings)) request.getVariablesMap().set(`cinder:${key}`, value);
    request.setArgs(await toStruct(settings));
    return this.call("configure", request);
  }

  /** GetSchema's schema, parsed. */
  async schema(): Promise<Record<string, unknown>> {
    const response = await this.call<proto.GetSchemaRequest, proto.GetSchemaResponse>(
      "getSchema",
      new proto.GetSchemaRequest(),
    );
    return JSON.parse(response.getSchema()) as Record<string, unknown>;
  }

  /** GetPluginInfo's version. */
  async version(): Promise<string> {
    const info = await this.call<Empty, { getVersion(): string }>("getPluginInfo", new Empty());
    return info.getVersion();
  }

  /** Stops the process (SIGTERM lets a request in flight finish; SIGKILL does not wait for it). */
  async stop(signal: NodeJS.Signals = "SIGTERM"): Promise<void> {
    this.client.close();
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const exited = new Promise((resolve) => this.child.once("exit", resolve));
    this.child.kill(signal);
    await exited;
  }
}

/** A Struct of plain values, with the keys in `secrets` marked secret, serialized by the SDK. */
export async function toStruct(values: object, secrets: readonly string[] = []): Promise<Struct> {
  const marked = Object.fromEntries(
    Object.entries(values).map(([key, value]) => [
      key,
      secrets.includes(key) ? { [rpc.specialSigKey]: rpc.specialSecretSig, value: value as unknown } : value,
    ]),
  );
  return Struct.fromJavaScript((await rpc.serializeProperties("test", marked)) as Record<string, never>);
}

/** The plain values of a Struct, deserialized by the SDK, and which keys were secret. */
export function fromStruct(struct: Struct | undefined): Received {
  const values: Record<string, unknown> = {};
  const secrets: string[] = [];
  const deserialized: Record<string, unknown> = struct ? rpc.deserializeProperties(struct, true) : {};
  for (const [key, value] of Object.entries(deserialized)) {
    if (rpc.isRpcSecret(value)) secrets.push(key);
    values[key] = rpc.unwrapRpcSecret(value);
  }
  return { values, secrets };
}
