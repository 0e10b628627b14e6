/**
 * Part "start-up": how long the resource plugin takes from the exec of its launcher
 * (dist/plugin/pulumi-resource-cinder/pulumi-resource-cinder) to serving, as the engine starts it:
 * to the port on stdout, to the first GetPluginInfo answer, and to the first Configure answer (which
 * loads the core); its RSS after Configure; and `node -e 0` on the same machine in the same run,
 * the floor of any Node.js process.
 */
import { spawn } from "node:child_process";
import { readFileSync, readdirSync, statSync } from "node:fs";
import * as path from "node:path";
import { performance } from "node:perf_hooks";
import * as grpc from "@grpc/grpc-js";
import { Empty } from "google-protobuf/google/protobuf/empty_pb";
import { ResourceProviderClient } from "@pulumi/pulumi/proto/provider_grpc_pb";
import * as proto from "@pulumi/pulumi/proto/provider_pb";
import { PLUGIN_DIR, ensurePlugin } from "../test/support/plugin";
import { pluginNoauthSettings } from "./pluginClient";
import { stackSetting } from "./env";

/** The time the plugin should take from exec to serving (its first Configure answered), in ms. */
export const STARTUP_TARGET_MS = 250;

/** One start of the plugin, in ms from the spawn. */
export interface PluginStart {
  readonly portMs: number;
  readonly pluginInfoMs: number;
  readonly configureMs: number;
  /** VmRSS and VmHWM of the plugin process after Configure, in bytes. */
  readonly rssBytes: number;
  readonly hwmBytes: number;
}

/** Everything the part measured. */
export interface StartupResult {
  /** Starts measured (after one start not recorded: the files in the page cache, the bench's own gRPC warm). */
  readonly starts: PluginStart[];
  /** Wall time of `node -e 0`, interleaved with the starts. */
  readonly nodeFloorMs: number[];
  /** The bundle's files that the start-up loads, and their sizes (bytes). */
  readonly bundle: { readonly file: string; readonly bytes: number }[];
}

const LAUNCHER = path.join(PLUGIN_DIR, "pulumi-resource-cinder");

/** A unary call's answer as a promise: `send` gets the callback to pass to the stub. */
function answer<Res>(send: (callback: (err: grpc.ServiceError | null, res: Res) => void) => void): Promise<Res> {
  return new Promise((resolve, reject) => send((err, res) => (err ? reject(err) : resolve(res))));
}

function memoryOf(pid: number): { rss: number; hwm: number } {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const kb = (key: string) => Number(new RegExp(`^${key}:\\s+(\\d+) kB`, "m").exec(status)?.[1] ?? 0) * 1024;
  return { rss: kb("VmRSS"), hwm: kb("VmHWM") };
}

/** One start: exec, port, GetPluginInfo, Configure (the stack's noauth Cinder), then SIGTERM. */
export async function startOnce(): Promise<PluginStart> {
  const started = performance.now();
  const child = spawn(LAUNCHER, ["127.0.0.1:1"], {
    env: { PATH: process.env["PATH"], HOME: process.env["HOME"] },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stderr = "";
  child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise((resolve) => child.once("exit", resolve));
  let client: ResourceProviderClient | undefined;
  try {
    const port = await new Promise<number>((resolve, reject) => {
      let out = "";
      child.stdout.on("data", (chunk: Buffer) => {
        out += chunk.toString();
        const line = /^(\d+)\n/.exec(out);
        if (line) resolve(Number(line[1]));
      });
      child.once("exit", (code) => reject(new Error(`the plugin exited (${code}) before serving: ${stderr}`)));
    });
    const portMs = performance.now() - started;
    client = new ResourceProviderClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
    const stub = client;
    await answer((callback) => stub.getPluginInfo(new Empty(), callback));
    const pluginInfoMs = performance.now() - started;
    const request = new proto.ConfigureRequest().setAcceptsecrets(true);
    for (const [key, value] of Object.entries(pluginNoauthSettings(stackSetting("CINDER_ENDPOINT")))) {
      request.getVariablesMap().set(`cinder:${key}`, value);
    }
    await answer((callback) => stub.configure(request, callback));
    const configureMs = performance.now() - started;
    const { rss, hwm } = memoryOf(child.pid ?? 0);
    return { portMs, pluginInfoMs, configureMs, rssBytes: rss, hwmBytes: hwm };
  } finally {
    client?.close();
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
    await exited;
  }
}

/** Wall time of `node -e 0` (the same `node` the launcher finds on PATH). */
export async function nodeFloor(): Promise<number> {
  const started = performance.now();
  await new Promise<void>((resolve, reject) => {
    const child = spawn("node", ["-e", "0"], { stdio: "ignore", env: { PATH: process.env["PATH"] } });
    child.once("error", reject);
    child.once("exit", () => resolve());
  });
  return performance.now() - started;
}

/** The files of the plugin folder, which the start-up reads all of (launcher, entry, bundle, code cache), and their sizes. */
function bundleFiles(): { file: string; bytes: number }[] {
  return readdirSync(PLUGIN_DIR)
    .sort()
    .map((file) => ({ file, bytes: statSync(path.join(PLUGIN_DIR, file)).size }));
}

/** `starts` measured starts of the plugin, each followed by a `node -e 0`. */
export async function runStartup(starts: number, log: (line: string) => void): Promise<StartupResult> {
  ensurePlugin();
  log(`start-up: ${starts} starts of the plugin (and of node -e 0), after one not recorded`);
  await startOnce();
  await nodeFloor();
  const measured: PluginStart[] = [];
  const floor: number[] = [];
  for (let i = 0; i < starts; i += 1) {
    measured.push(await startOnce());
    floor.push(await nodeFloor());
  }
  return { starts: measured, nodeFloorMs: floor, bundle: bundleFiles() };
}
