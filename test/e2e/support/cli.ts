/**
 * The real `pulumi` CLI run as a terminal or a CI runner runs it: in a process group of its own, so
 * that a test can interrupt or kill the whole group, and the next command run to its end.
 */
import { type ChildProcess, execFile, spawn } from "node:child_process";
import { type CinderProxy, type Fault, startProxy } from "../../support/proxy";
import { stackEnv } from "../../support/stack";
import { engineEnv, getEngine } from "./engine";
import { type ExampleName, type ExampleStack, exampleDir, withExample } from "./examples";
import { MARK_ENV, killProcessesOfRun, newRunMark } from "./processes";

/** A `pulumi` command started in a process group of its own, as a CI runner or a terminal starts it. */
export interface CliRun {
  readonly child: ChildProcess;
  /** The process group's id (the CLI's pid). */
  readonly group: number;
  /** Resolves once the CLI exited. */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** What it printed so far (stdout and stderr). */
  output(): string;
}

/** The CLI's environment: the engine's (as the Automation API stacks get it) plus the run's marker. */
export async function cliEnv(mark: string): Promise<NodeJS.ProcessEnv> {
  const engine = await getEngine();
  return {
    ...process.env,
    ...engineEnv(),
    PULUMI_NODEJS_TRANSPILE_ONLY: "true",
    PATH: `${engine.binDir}:${process.env["PATH"] ?? ""}`,
    [MARK_ENV]: mark,
  };
}

/** Starts `pulumi <args> --stack <stack>` in the example's folder, detached into its own process group. */
export async function startCli(stack: ExampleStack, args: readonly string[], mark: string): Promise<CliRun> {
  const engine = await getEngine();
  const child = spawn(engine.pulumi, [...args, "--stack", stack.name, "--color", "never"], {
    cwd: exampleDir(stack.example),
    env: await cliEnv(mark),
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let printed = "";
  child.stdout?.on("data", (chunk: Buffer) => (printed += chunk.toString("utf8")));
  child.stderr?.on("data", (chunk: Buffer) => (printed += chunk.toString("utf8")));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on("exit", (code, signal) => resolve({ code, signal })),
  );
  if (child.pid === undefined) throw new Error(`could not start ${engine.pulumi}`);
  return { child, group: child.pid, exited, output: () => printed };
}

/** Runs `pulumi <args> --stack <stack>` to its end, as the user's next command after an interrupted run. */
export async function cli(stack: ExampleStack, args: readonly string[], mark: string): Promise<string> {
  const engine = await getEngine();
  const env = await cliEnv(mark);
  return new Promise((resolve, reject) =>
    execFile(
      engine.pulumi,
      [...args, "--stack", stack.name],
      { cwd: exampleDir(stack.example), env },
      (err, stdout, stderr) => (err ? reject(new Error(`${err.message}\n${stdout}${stderr}`)) : resolve(stdout)),
    ),
  );
}

/** Waits until `condition` holds (polling every 50 ms), failing with `what` after `timeoutMs`. */
export async function waitFor(condition: () => boolean, what: string, timeoutMs: number, run: CliRun): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline || run.child.exitCode !== null) {
      throw new Error(`${what} did not happen (CLI exit code ${String(run.child.exitCode)}):\n${run.output()}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** The proxied endpoint: the local Cinder's endpoint with the proxy's origin. */
export function proxiedEndpoint(proxy: CinderProxy): string {
  return `${proxy.url}${new URL(stackEnv().CINDER_ENDPOINT as string).pathname}`;
}

/** What {@link withProxiedExample} gives a test. */
export interface ProxiedExample {
  readonly stack: ExampleStack;
  /** The loopback proxy in front of the local Cinder that the stack's provider talks to. */
  readonly proxy: CinderProxy;
  /** The marker of the run's processes (see support/processes.ts). */
  readonly mark: string;
}

/**
 * `example` (examples/iscsi-attach by default) on a new stack whose provider reaches the local Cinder
 * through a loopback proxy applying `fault` (forwarding everything by default), with a run marker for
 * the CLI. Whatever the test did, the run's processes are killed, the stack disposed of and the proxy
 * closed after it.
 */
export async function withProxiedExample(
  prefix: string,
  config: Record<string, string>,
  test: (example: ProxiedExample) => Promise<void>,
  fault: (method: string, path: string) => Fault = () => ({ kind: "forward" }),
  example: ExampleName = "iscsi-attach",
): Promise<void> {
  const proxy = await startProxy(new URL(stackEnv().CINDER_ENDPOINT as string).origin, fault);
  const mark = newRunMark();
  try {
    await withExample(example, prefix, { config: { ...config, "cinder:endpoint": proxiedEndpoint(proxy) } }, (stack) =>
      test({ stack, proxy, mark }),
    );
  } finally {
    killProcessesOfRun(mark);
    await proxy.close();
  }
}
