/**
 * The engine's own part of a `pulumi up --yes`, beside the profile of ours (part `profile`): the
 * CLI's start (`pulumi version`; of it, Go's package initialisation as `GODEBUG=inittrace=1`
 * reports it) and an `up` of a YAML program with no resources (both phases, a language host each,
 * no provider). What a face adds to one attachment's `up` is its wall time beyond these.
 */
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { promises as fs } from "node:fs";
import * as path from "node:path";
import { performance } from "node:perf_hooks";
import { registerCleanup } from "./cleanup";
import { removeBackendLeftovers } from "./engine";
import { type EngineInfo, repoRoot } from "./env";
import type { LoadCost } from "./profile";
import { warmMedian } from "./stats";

interface Finished {
  readonly ms: number;
  readonly stderr: string;
}

function run(engine: EngineInfo, args: readonly string[], cwd: string, env: NodeJS.ProcessEnv): Promise<Finished> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(engine.pulumi, args, { cwd, env, stdio: ["ignore", "ignore", "pipe"] });
    let stderr = "";
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString("utf8")));
    child.once("error", reject);
    child.once("exit", (code) =>
      code === 0
        ? resolve({ ms: performance.now() - started, stderr })
        : reject(
            new Error(`pulumi ${args.join(" ")} exited ${code}: ${stderr.trim().split("\n").slice(-3).join(" ")}`),
          ),
    );
  });
}

/** The clock time of Go's package initialisation in a `GODEBUG=inittrace=1` trace (ms). */
export function goInitMs(trace: string): number {
  let total = 0;
  for (const match of trace.matchAll(/^init \S+ @[\d.]+ ms, ([\d.]+) ms clock/gm)) total += Number(match[1]);
  return total;
}

/** Medians of `runs` (after one not counted) of the CLI's start and of an up of an empty YAML program. */
export async function engineFloor(engine: EngineInfo, runs: number): Promise<LoadCost[]> {
  const repeat = (once: () => Promise<number>) => warmMedian(runs, once);
  const version = await repeat(async () => (await run(engine, ["version"], repoRoot, process.env)).ms);
  const init = goInitMs((await run(engine, ["version"], repoRoot, { ...process.env, GODEBUG: "inittrace=1" })).stderr);

  const stackName = `bench-floor-${Date.now().toString(36)}-${randomBytes(3).toString("hex")}`;
  const dir = path.join(repoRoot, ".local", "bench", stackName);
  const cleanup = registerCleanup(`engine floor stack ${stackName}`, async () => {
    await run(engine, ["stack", "rm", stackName, "--yes", "--force"], dir, process.env).catch(() => undefined);
    await removeBackendLeftovers(stackName);
    await fs.rm(dir, { recursive: true, force: true });
  });
  try {
    await fs.mkdir(dir, { recursive: true });
    await fs.writeFile(path.join(dir, "Pulumi.yaml"), "name: bench-floor\nruntime: yaml\nresources: {}\n");
    await run(engine, ["stack", "init", stackName, "--non-interactive"], dir, process.env);
    const up = await repeat(
      async () =>
        (
          await run(
            engine,
            ["up", "--yes", "--stack", stackName, "--non-interactive", "--color", "never"],
            dir,
            process.env,
          )
        ).ms,
    );
    return [
      {
        label: `\`pulumi version\` (the CLI's start; of it Go's package initialisation ${init.toFixed(0)} ms, \`GODEBUG=inittrace=1\`)`,
        ms: version,
      },
      {
        label: "`pulumi up --yes` of a YAML program with no resources (the engine alone: both phases, no provider)",
        ms: up,
      },
    ];
  } finally {
    await cleanup();
  }
}
