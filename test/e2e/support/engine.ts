/**
 * Drives the real Pulumi engine (built by scripts/engine.sh, see docs/engine.md) from jest e2e tests
 * through the Automation API with inline programs: no Pulumi service, no downloads, local state in
 * <repo>/.local/pulumi-state.
 *
 * Typical use:
 *   await withStack("attach", program, async (s) => {
 *     await s.up();
 *     expect(changeCount(await s.preview())).toBe(0);
 *   }); // destroyed and removed here, also when the test fails
 */
import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdirSync } from "node:fs";
import * as fs from "node:fs/promises";
import * as path from "node:path";
import {
  type ConfigMap,
  type DestroyOptions,
  type DestroyResult,
  LocalWorkspace,
  type PreviewOptions,
  type PreviewResult,
  PulumiCommand,
  type PulumiFn,
  type RefreshOptions,
  type RefreshResult,
  type Stack,
  type UpOptions,
  type UpResult,
} from "@pulumi/pulumi/automation";

/** Root of the repository (this file is test/e2e/support/engine.ts). */
export const repoRoot: string = path.resolve(__dirname, "..", "..", "..");

/** Where the engine keeps local state, workspaces and per-stack work dirs, all under <repo>/.local. */
export const localDir: string = path.join(repoRoot, ".local");

/** The engine as built by scripts/engine.sh. */
export interface Engine {
  /** Absolute path of the `pulumi` binary. */
  readonly pulumi: string;
  /** Its directory (also holds the plugins: language host, dynamic-provider and policy launchers). */
  readonly binDir: string;
  /** The install root in PulumiCommand's sense: `<root>/bin/pulumi`. */
  readonly root: string;
  /** The version `pulumi version` answers, e.g. "v3.248.0". */
  readonly version: string;
}

let enginePromise: Promise<Engine> | undefined;

function run(file: string, args: readonly string[], cwd: string): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(file, args, { cwd, maxBuffer: 16 * 1024 * 1024 }, (err, stdout, stderr) => {
      if (err) {
        reject(new Error(`${file} ${args.join(" ")} failed: ${err.message}\n${stderr}`));
      } else {
        resolve(stdout);
      }
    });
  });
}

/**
 * Ensures the engine is built (runs scripts/engine.sh once per process: well under a second when
 * cached, minutes when cold, so CI should run `npm run engine` before the e2e tests) and describes it.
 */
export function getEngine(): Promise<Engine> {
  enginePromise ??= (async (): Promise<Engine> => {
    const out = await run("bash", [path.join(repoRoot, "scripts", "engine.sh")], repoRoot);
    const pulumi = out.trim().split("\n").pop() ?? "";
    if (!path.isAbsolute(pulumi)) {
      throw new Error(`scripts/engine.sh printed no binary path (got ${JSON.stringify(out)})`);
    }
    const version = (await run(pulumi, ["version"], repoRoot)).trim();
    const binDir = path.dirname(pulumi);
    return { pulumi, binDir, root: path.dirname(binDir), version };
  })();
  return enginePromise;
}

/**
 * Environment for the CLI, the same as scripts/engine/env.sh sets: offline, local state, isolated
 * PULUMI_HOME. PULUMI_CONFIG_PASSPHRASE keeps a value already set in the environment. Makes the
 * local backend's folder, as env.sh does: on a fresh clone the first command may be any test's.
 */
export function engineEnv(): Record<string, string> {
  mkdirSync(path.join(localDir, "pulumi-state"), { recursive: true });
  return {
    PULUMI_HOME: path.join(localDir, "pulumi-home"),
    PULUMI_BACKEND_URL: `file://${path.join(localDir, "pulumi-state")}`,
    PULUMI_CONFIG_PASSPHRASE: process.env["PULUMI_CONFIG_PASSPHRASE"] ?? "pulumi-cinder-attachment-local",
    PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
    PULUMI_SKIP_UPDATE_CHECK: "true",
  };
}

/** A PulumiCommand for our binary; the version check passes because the build stamps the version. */
export async function pulumiCommand(opts: { skipVersionCheck?: boolean } = {}): Promise<PulumiCommand> {
  const engine = await getEngine();
  return PulumiCommand.get({ root: engine.root, skipVersionCheck: opts.skipVersionCheck ?? false });
}

/** A stack name that no other test run uses: `<prefix>-<time>-<random>`. */
export function uniqueStackName(prefix: string): string {
  const clean = prefix.replace(/[^A-Za-z0-9_.-]/g, "-").slice(0, 40) || "e2e";
  return `${clean}-${Date.now().toString(36)}-${randomBytes(3).toString("hex")}`;
}

/** Options of {@link withStack}. */
export interface WithStackOptions {
  /** Project name (default "cinder-e2e"); resource URNs and stack config keys use it. */
  projectName?: string;
  /** Stack configuration set before `fn` runs (keys without `:` get the project prefix). */
  config?: ConfigMap;
  /** Extra environment for the CLI and the plugins it starts. */
  envVars?: Record<string, string>;
  /** Keep the stack when `fn` fails, for inspection with the CLI (default false). */
  keepOnFailure?: boolean;
}

/** A stack under test; `up`/`preview`/`refresh`/`destroy` return the Automation API results. */
export interface TestStack {
  /** The unique stack name. */
  readonly name: string;
  /** The Automation API stack, for anything not wrapped here (outputs, config, history, ...). */
  readonly stack: Stack;
  /** `pulumi up` (no interactive prompt). */
  up(opts?: UpOptions): Promise<UpResult>;
  /** `pulumi preview`. */
  preview(opts?: PreviewOptions): Promise<PreviewResult>;
  /** `pulumi refresh` (no interactive prompt). */
  refresh(opts?: RefreshOptions): Promise<RefreshResult>;
  /** `pulumi destroy` (no interactive prompt). */
  destroy(opts?: DestroyOptions): Promise<DestroyResult>;
}

/**
 * Creates a uniquely named stack (prefix `name`) running `program` inline, passes it to `fn`, and
 * afterwards always destroys its resources and removes the stack and its work dir, whether `fn`
 * succeeded or not. An error from `fn` wins over a cleanup error; a cleanup error alone is thrown.
 *
 * The work dir is <repo>/.local/e2e/<stack>: inside the repository, so that the dynamic-provider
 * plugin, which resolves @pulumi/pulumi from its working directory, finds the repository's copy.
 */
export async function withStack<T>(
  name: string,
  program: PulumiFn,
  fn: (stack: TestStack) => Promise<T>,
  options: WithStackOptions = {},
): Promise<T> {
  const engine = await getEngine();
  const projectName = options.projectName ?? "cinder-e2e";
  const stackName = uniqueStackName(name);
  const workDir = path.join(localDir, "e2e", stackName);
  const env = { ...engineEnv(), ...options.envVars };
  await fs.mkdir(workDir, { recursive: true });
  await fs.mkdir(env["PULUMI_HOME"] ?? path.join(localDir, "pulumi-home"), { recursive: true });
  await fs.mkdir(path.join(localDir, "pulumi-state"), { recursive: true });

  const stack = await LocalWorkspace.createOrSelectStack(
    { stackName, projectName, program },
    {
      workDir,
      projectSettings: { name: projectName, runtime: "nodejs" },
      pulumiCommand: await PulumiCommand.get({ root: engine.root }),
      envVars: env,
    },
  );

  const handle: TestStack = {
    name: stackName,
    stack,
    up: (opts) => up(stack, opts),
    preview: (opts) => preview(stack, opts),
    refresh: (opts) => refresh(stack, opts),
    destroy: (opts) => destroy(stack, opts),
  };

  let result: T;
  try {
    if (options.config) {
      await stack.setAllConfig(options.config);
    }
    result = await fn(handle);
  } catch (err) {
    if (!options.keepOnFailure) {
      const cleanupError = await cleanup(stack, workDir);
      if (cleanupError) {
        console.error(`cleanup of stack ${stackName} failed too:`, cleanupError);
      }
    }
    throw err;
  }
  const cleanupError = await cleanup(stack, workDir);
  if (cleanupError) {
    throw cleanupError;
  }
  return result;
}

/** Destroys, removes the stack, deletes the work dir; returns the first error instead of throwing. */
async function cleanup(stack: Stack, workDir: string): Promise<Error | undefined> {
  let first: Error | undefined;
  const attempt = async (step: () => Promise<unknown>): Promise<void> => {
    try {
      await step();
    } catch (err) {
      first ??= err instanceof Error ? err : new Error(String(err));
    }
  };
  await attempt(() => stack.destroy({ color: "never" }));
  // If destroy failed, keep the stack so its state (and the leaked resources) can be inspected.
  if (!first) {
    await attempt(() => stack.workspace.removeStack(stack.name));
    await attempt(() => fs.rm(workDir, { recursive: true, force: true }));
  }
  return first;
}

/** `pulumi up --yes` with colourless output. */
export function up(stack: Stack, opts: UpOptions = {}): Promise<UpResult> {
  return stack.up({ color: "never", ...opts });
}

/** `pulumi preview` with colourless output. */
export function preview(stack: Stack, opts: PreviewOptions = {}): Promise<PreviewResult> {
  return stack.preview({ color: "never", ...opts });
}

/** `pulumi refresh --yes` with colourless output. */
export function refresh(stack: Stack, opts: RefreshOptions = {}): Promise<RefreshResult> {
  return stack.refresh({ color: "never", ...opts });
}

/** `pulumi destroy --yes` with colourless output. */
export function destroy(stack: Stack, opts: DestroyOptions = {}): Promise<DestroyResult> {
  return stack.destroy({ color: "never", ...opts });
}

/** Path of a stack's checkpoint in the local backend (absent once the stack is removed). */
export function stackStatePath(projectName: string, stackName: string): string {
  return path.join(localDir, "pulumi-state", ".pulumi", "stacks", projectName, `${stackName}.json`);
}

/** Number of resources a preview would change: every operation count except "same". */
export function changeCount(result: PreviewResult): number {
  return Object.entries(result.changeSummary)
    .filter(([op]) => op !== "same")
    .reduce((sum, [, n]) => sum + (n ?? 0), 0);
}
