/**
 * The Node.js environment every command of the bench inherits. This workplace sets
 * NODE_EXTRA_CA_CERTS (the system CA bundle) for every process; Node.js 20 reads and parses that
 * file at each process start, before any code runs. A `pulumi up` starts two to four Node.js
 * processes in a row (the program, the provider, in each phase) and the Terraform peer none, so the
 * bench takes it out of its own environment before anything starts, as on a machine that does not
 * set it, and the report says so with its cost measured on the spot.
 */
import { spawn } from "node:child_process";
import { performance } from "node:perf_hooks";
import { median } from "./stats";

/** The variable the bench took out, and a bare Node.js start with it and without it. */
export interface RemovedCaCerts {
  readonly file: string;
  /** `node -e 0`, median of the runs, with the variable set. */
  readonly withMs: number;
  /** The same without it. */
  readonly withoutMs: number;
}

/** Wall time of `node -e 0` in `env`. */
function bareStart(env: NodeJS.ProcessEnv): Promise<number> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(process.execPath, ["-e", "0"], { stdio: "ignore", env });
    child.once("error", reject);
    child.once("exit", () => resolve(performance.now() - started));
  });
}

/**
 * Removes NODE_EXTRA_CA_CERTS from this process's environment (which every command the bench starts
 * inherits); when it was set, measures what it costs a bare Node.js start (`runs` of each,
 * interleaved, after one of each not counted) and returns it for the report.
 */
export async function removeExtraCaCerts(runs: number): Promise<RemovedCaCerts | undefined> {
  const file = process.env["NODE_EXTRA_CA_CERTS"];
  if (file === undefined) return undefined;
  delete process.env["NODE_EXTRA_CA_CERTS"];
  const without = { ...process.env };
  const withIt = { ...without, NODE_EXTRA_CA_CERTS: file };
  const withSamples: number[] = [];
  const withoutSamples: number[] = [];
  for (let i = 0; i <= runs; i += 1) {
    const [a, b] = [await bareStart(withIt), await bareStart(without)];
    if (i === 0) continue;
    withSamples.push(a);
    withoutSamples.push(b);
  }
  return { file, withMs: median(withSamples), withoutMs: median(withoutSamples) };
}

/** The report's line on it (the machine table's "Environment"). */
export function describeRemoval(removed: RemovedCaCerts | undefined): string {
  if (!removed) return "NODE_EXTRA_CA_CERTS not set";
  return (
    `NODE_EXTRA_CA_CERTS (${removed.file}) taken out of every command's environment: this workplace sets it, ` +
    `and Node.js parses the file at each process start (\`node -e 0\` ${removed.withMs.toFixed(0)} ms with it, ` +
    `${removed.withoutMs.toFixed(0)} ms without, medians)`
  );
}
