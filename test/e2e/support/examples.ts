/**
 * Runs the projects under examples/ as real Pulumi projects (their own Pulumi.yaml and index.ts, the
 * package imported by name as users import it) through the engine of scripts/engine.sh and our Node
 * language host, against the local Cinder of scripts/stack/stack.sh.
 *
 *   await withExample("iscsi-attach", "lifecycle", { volume: volume.id }, async (s) => {
 *     await s.up();
 *     expect((await s.preview()).steps).toEqual([]);
 *   }); // destroyed and removed here, also when the test fails
 *
 * Stacks are named uniquely, so test files may run in parallel; their Pulumi.<stack>.yaml files live
 * in the example folder only while the stack exists. `E2E_TIMINGS=1` logs each stack's operations
 * with their durations.
 */
import { execFile } from "node:child_process";
import * as fs from "node:fs/promises";
import * as path from "node:path";
import {
  type ConfigMap,
  type DestroyResult,
  type EngineEvent,
  LocalWorkspace,
  type OpMap,
  type OpType,
  type OutputMap,
  PulumiCommand,
  type RefreshResult,
  type Stack,
  type UpdateSummary,
} from "@pulumi/pulumi/automation";
import { stackEnv } from "../../support/stack";
import { destroy, engineEnv, getEngine, preview, refresh, repoRoot, uniqueStackName, up } from "./engine";

/** The example projects, each a folder of examples/. */
export const EXAMPLES = ["iscsi-attach", "reserve-then-attach", "multiattach-readonly", "plugin-iscsi-attach"] as const;

/** The example projects in Pulumi YAML (runtime `yaml`, nothing to compile), each a folder of examples/. */
export const YAML_EXAMPLES = ["yaml-iscsi-attach"] as const;

/** The test programs under test/e2e/programs/ that run like examples. */
export const TEST_PROGRAMS = ["plugin-two-clouds", "yaml-reserve-then-connect"] as const;

/** The name of one example project, or of a test program. */
export type ExampleName = (typeof EXAMPLES)[number] | (typeof YAML_EXAMPLES)[number] | (typeof TEST_PROGRAMS)[number];

/** The type token of VolumeAttachment resources in state and in engine events. */
export const ATTACHMENT_TYPE = "pulumi-nodejs:dynamic/cinder:VolumeAttachment";
/** The type token of the resource plugin's VolumeAttachment. */
export const PLUGIN_ATTACHMENT_TYPE = "cinder:index:VolumeAttachment";

/** The folder of an example project or test program. */
export function exampleDir(example: ExampleName): string {
  const isTestProgram = (TEST_PROGRAMS as readonly string[]).includes(example);
  return isTestProgram
    ? path.join(repoRoot, "test", "e2e", "programs", example)
    : path.join(repoRoot, "examples", example);
}

/**
 * Stack config that points the provider at the local noauth Cinder. `noauthServiceRoles = service`
 * plays the service token's part, without which Cinder refuses to delete an instance-bound,
 * connected attachment (OSSA-2023-003).
 */
export function localCinderConfig(): ConfigMap {
  const env = stackEnv();
  return {
    "cinder:endpoint": { value: env.CINDER_ENDPOINT as string },
    "cinder:authType": { value: "noauth" },
    "cinder:userId": { value: env.OS_USER_ID ?? "admin" },
    "cinder:projectId": { value: env.OS_PROJECT_ID ?? "admin" },
    "cinder:noauthServiceRoles": { value: "service" },
  };
}

function run(
  file: string,
  args: readonly string[],
  options: { cwd: string; env?: NodeJS.ProcessEnv },
): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(file, args, { ...options, maxBuffer: 16 * 1024 * 1024 }, (err, stdout, stderr) => {
      if (err) {
        // tsc reports compile errors on stdout.
        reject(new Error(`${file} ${args.join(" ")} failed: ${err.message}\n${stdout}${stderr}`));
      } else {
        resolve(stdout);
      }
    });
  });
}

let packagePromise: Promise<void> | undefined;

/**
 * Makes `pulumi-cinder-attachment` resolvable as users resolve it: the self-link
 * node_modules/pulumi-cinder-attachment -> .. and a dist/ no older than the sources
 * (scripts/ensure-dist.mjs: `npm run build:dist`, tsc and the runtime's bundle, under a lock, where
 * it is older). Once per jest worker.
 */
export function ensurePackage(): Promise<void> {
  packagePromise ??= (async () => {
    const link = path.join(repoRoot, "node_modules", "pulumi-cinder-attachment");
    const target = await fs.readlink(link).catch(() => undefined);
    if (target !== "..") {
      await fs.rm(link, { recursive: true, force: true });
      await fs.symlink("..", link).catch((err: NodeJS.ErrnoException) => {
        if (err.code !== "EEXIST") throw err;
      });
    }
    // dist/ no older than its sources: the one staleness check, shared with scripts/bench.sh.
    await run("node", [path.join(repoRoot, "scripts", "ensure-dist.mjs")], { cwd: repoRoot });
  })();
  return packagePromise;
}

/**
 * One step the engine planned for a resource of the program (a `resourcePreEvent`), other than
 * `same`. Steps of provider resources are left out: the default `pulumi-nodejs` provider shows as an
 * update whenever the stack config changes, because dynamic providers are configured with all of it.
 * (No `diffs` either: the Node dynamic-provider host sends the engine none.)
 */
export interface PlannedStep {
  op: OpType;
  /** The resource's name (last URN segment). */
  name: string;
  type: string;
  /** Properties whose change causes a replacement. */
  keys: string[];
  /** The changes by property path and their kind (`update`, `update-replace`, ...): the plugin's detailed diff. */
  detailedDiff?: Record<string, string>;
}

/** What a preview planned: the engine's summary and every step that is not `same`. */
export interface Plan {
  changeSummary: OpMap;
  steps: PlannedStep[];
}

/** What an `up` did and the stack's outputs after it. */
export interface Deployed {
  summary: UpdateSummary;
  /** Every output in plain text, as `pulumi stack output --show-secrets` prints them. */
  outputs: Record<string, unknown>;
  /** The steps the engine planned and carried out, as a preview would have planned them. */
  steps: PlannedStep[];
  /** What the CLI printed (stdout, then stderr). */
  log: string;
}

/** A VolumeAttachment as recorded in the stack's state (`pulumi stack export`). */
export interface RecordedAttachment {
  urn: string;
  id: string;
  outputs: Record<string, unknown>;
  /** Set when a create failed after the attachment existed (the partial-create protocol). */
  initErrors?: string[];
}

/** A stack of an example project under test. */
export interface ExampleStack {
  /** The unique stack name. */
  readonly name: string;
  readonly example: ExampleName;
  /** The Automation API stack, for anything not wrapped here. */
  readonly stack: Stack;
  /** `pulumi up --yes --skip-preview`, with the stack's outputs afterwards (secrets in plain text). */
  up(): Promise<Deployed>;
  /** `pulumi preview`, with the steps it planned. */
  preview(): Promise<Plan>;
  /** `pulumi refresh --yes`. */
  refresh(): Promise<RefreshResult>;
  /** `pulumi destroy --yes`. */
  destroy(): Promise<DestroyResult>;
  /** `pulumi config set <key> <value>` for each entry (keys without `:` are the project's). */
  setConfig(values: Record<string, string>): Promise<void>;
  /** `pulumi config rm <key>`. */
  removeConfig(key: string): Promise<void>;
  /** `pulumi stack output --show-secrets`: every output in plain text. */
  outputs(): Promise<Record<string, unknown>>;
  /** `pulumi stack output --json` as the CLI prints it, secrets masked. */
  maskedOutputs(): Promise<Record<string, unknown>>;
  /** `pulumi stack export`, as the text the CLI prints. */
  exportText(): Promise<string>;
  /** The VolumeAttachments in the stack's state. */
  recordedAttachments(): Promise<RecordedAttachment[]>;
}

/** Options of {@link openExample} and {@link withExample}. */
export interface ExampleOptions {
  /** Project config (keys without `:`) and `cinder:*` overrides, on top of {@link localCinderConfig}. */
  config?: Record<string, string>;
  /** Extra environment for the CLI, the program and the provider. */
  envVars?: Record<string, string>;
}

/** An open example stack and how to get rid of it. */
export interface OpenedExample {
  stack: ExampleStack;
  /** Destroys, then removes the stack (and its Pulumi.<stack>.yaml); rejects with the first error. */
  dispose(): Promise<void>;
}

/**
 * Environment for every engine operation. Type-checking is left to the examples' compile test
 * (tsc), so ts-node only transpiles: several seconds less per operation.
 */
function exampleEnv(extra: Record<string, string> = {}): Record<string, string> {
  return { ...engineEnv(), PULUMI_NODEJS_TRANSPILE_ONLY: "true", ...extra };
}

/** An event handler that appends each resource step of the program (see {@link PlannedStep}) to `steps`. */
function collectSteps(steps: PlannedStep[]): (event: EngineEvent) => void {
  return (event) => {
    const meta = event.resourcePreEvent?.metadata;
    if (!meta || meta.op === "same" || meta.type.startsWith("pulumi:providers:")) return;
    const step: PlannedStep = {
      op: meta.op,
      name: meta.urn.split("::").pop() ?? meta.urn,
      type: meta.type,
      keys: meta.keys ?? [],
    };
    if (meta.detailedDiff) {
      step.detailedDiff = Object.fromEntries(
        Object.entries(meta.detailedDiff).map(([key, diff]) => [key, diff.diffKind]),
      );
    }
    steps.push(step);
  };
}

/**
 * Creates a uniquely named stack (prefix `prefix`) of `example`, configured for the local Cinder plus
 * `options.config`. The caller must call `dispose()`; {@link withExample} does it for you.
 */
export async function openExample(
  example: ExampleName,
  prefix: string,
  options: ExampleOptions = {},
): Promise<OpenedExample> {
  await ensurePackage();
  const engine = await getEngine();
  const workDir = exampleDir(example);
  const envVars = exampleEnv(options.envVars);
  const cliEnv = { ...process.env, ...envVars, PATH: `${engine.binDir}:${process.env["PATH"] ?? ""}` };
  await fs.mkdir(envVars["PULUMI_HOME"] as string, { recursive: true });
  await fs.mkdir(path.join(repoRoot, ".local", "pulumi-state"), { recursive: true });
  const name = uniqueStackName(`${example}-${prefix}`);
  const stack = await LocalWorkspace.createStack(
    { stackName: name, workDir },
    { pulumiCommand: await PulumiCommand.get({ root: engine.root }), envVars },
  );
  const workspace = stack.workspace;

  const config: ConfigMap = { ...localCinderConfig() };
  for (const [key, value] of Object.entries(options.config ?? {})) {
    config[key] = { value };
  }
  const cli = (args: string[]) => run(engine.pulumi, [...args, "--stack", name], { cwd: workDir, env: cliEnv });
  const timings: string[] = [];
  const timed = async <R>(label: string, step: () => Promise<R>): Promise<R> => {
    const start = Date.now();
    try {
      return await step();
    } finally {
      timings.push(`${label} ${((Date.now() - start) / 1000).toFixed(1)}s`);
    }
  };
  // Whether the stack may hold resources: then dispose() destroys it; after a destroy it need not.
  let mayHoldResources = false;

  const handle: ExampleStack = {
    name,
    example,
    stack,
    up: async () => {
      mayHoldResources = true;
      const steps: PlannedStep[] = [];
      const result = await timed("up", () => up(stack, { onEvent: collectSteps(steps) }));
      return {
        summary: result.summary,
        outputs: plainOutputs(result.outputs),
        steps,
        log: `${result.stdout}\n${result.stderr}`,
      };
    },
    preview: async () => {
      const steps: PlannedStep[] = [];
      const result = await timed("preview", () => preview(stack, { onEvent: collectSteps(steps) }));
      return { changeSummary: result.changeSummary, steps };
    },
    refresh: () => {
      mayHoldResources = true;
      return timed("refresh", () => refresh(stack));
    },
    destroy: async () => {
      const result = await timed("destroy", () => destroy(stack));
      mayHoldResources = false;
      return result;
    },
    setConfig: (values) =>
      timed("config", () =>
        stack.setAllConfig(Object.fromEntries(Object.entries(values).map(([key, value]) => [key, { value }]))),
      ),
    removeConfig: (key) => timed("config", () => stack.removeConfig(key)),
    outputs: async () => plainOutputs(await timed("outputs", () => stack.outputs())),
    maskedOutputs: async () =>
      JSON.parse(await timed("outputs", () => cli(["stack", "output", "--json"]))) as Record<string, unknown>,
    exportText: () => timed("export", () => cli(["stack", "export"])),
    recordedAttachments: async () => attachmentsInExport(await timed("export", () => cli(["stack", "export"]))),
  };

  const dispose = async (): Promise<void> => {
    let destroyError: Error | undefined;
    if (mayHoldResources) {
      try {
        await timed("destroy", () => destroy(stack));
      } catch (err) {
        destroyError = err instanceof Error ? err : new Error(String(err));
      }
    }
    // Never leave a Pulumi.<stack>.yaml in the example folder; after a failed destroy the test's
    // volume cleanup removes what Cinder still has, and the error below fails the test.
    await timed("rm", () => workspace.removeStack(name, { force: destroyError !== undefined }));
    if (process.env["E2E_TIMINGS"]) {
      console.log(`${name}: ${timings.join(", ")}`);
    }
    if (destroyError !== undefined) throw destroyError;
  };

  try {
    await stack.setAllConfig(config);
  } catch (err) {
    await dispose().catch(() => undefined);
    throw err;
  }
  return { stack: handle, dispose };
}

/**
 * Runs `fn` on a fresh stack of `example` and afterwards always destroys and removes the stack,
 * whether `fn` succeeded or not. An error from `fn` wins over a cleanup error.
 */
export async function withExample<T>(
  example: ExampleName,
  prefix: string,
  options: ExampleOptions,
  fn: (stack: ExampleStack) => Promise<T>,
): Promise<T> {
  const opened = await openExample(example, prefix, options);
  let result: T;
  try {
    result = await fn(opened.stack);
  } catch (err) {
    await opened.dispose().catch((cleanupError: unknown) => {
      console.error(`cleanup of stack ${opened.stack.name} failed too:`, cleanupError);
    });
    throw err;
  }
  await opened.dispose();
  return result;
}

/** The VolumeAttachments in the text of a `pulumi stack export`. */
export function attachmentsInExport(exported: string): RecordedAttachment[] {
  const state = JSON.parse(exported) as {
    deployment: { resources?: Array<RecordedAttachment & { type: string }> };
  };
  return (state.deployment.resources ?? [])
    .filter((resource) => resource.type === ATTACHMENT_TYPE || resource.type === PLUGIN_ATTACHMENT_TYPE)
    .map(({ urn, id, outputs, initErrors }) => ({ urn, id, outputs, initErrors }));
}

/** Output values without the Automation API's `{ value, secret }` wrapping. */
function plainOutputs(outputs: OutputMap): Record<string, unknown> {
  return Object.fromEntries(Object.entries(outputs).map(([key, output]) => [key, output.value as unknown]));
}
