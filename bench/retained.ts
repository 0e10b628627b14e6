/**
 * What a provider process still holds at its end: `up` and `destroy` of N attachments per face with
 * every node process preloading `bench/heapAtExit.cjs`, which, when the engine stops the provider
 * (SIGINT), collects the garbage and writes the V8 heap in use and the resident peak. The peak's
 * growth with N against the retained heap's tells garbage V8 had not collected from memory kept.
 */
import { promises as fs } from "node:fs";
import * as path from "node:path";
import { type EngineOptions, runEngine } from "./engine";
import { repoRoot } from "./env";
import type { EngineCommand } from "./minimal";
import { type EngineFace, isProviderProcess } from "./pluginEngine";
import { RSS_GROWTH_TARGET } from "./growthReport";
import { kib, mib, table } from "./stats";

/** One provider process's end. */
export interface RetainedRun {
  readonly face: EngineFace;
  readonly n: number;
  readonly op: EngineCommand;
  /** V8 heap in use after a forced collection at the process's end. */
  readonly heapUsedBytes: number;
  /** VmHWM at that moment: the resident peak of the process's life. */
  readonly peakRssBytes: number;
}

/** One line of heapAtExit.cjs. */
interface HeapLine {
  argv: string[];
  heapUsedKiB: number;
  hwmKiB: number;
}

const COMMANDS: readonly EngineCommand[] = ["up", "destroy"];

/** `up` and `destroy` of each N, per face, each provider's heap at its end. */
export async function runRetained(
  base: Omit<EngineOptions, "sizes" | "serialN" | "commands" | "envVars" | "face" | "label" | "limit">,
  faces: readonly EngineFace[],
  sizes: readonly number[],
): Promise<RetainedRun[]> {
  const dir = await fs.mkdtemp(path.join(repoRoot, ".local", "bench-heap-"));
  const out: RetainedRun[] = [];
  try {
    for (const face of faces) {
      for (const n of sizes) {
        const file = path.join(dir, `${face}-${n}.jsonl`);
        await runEngine({
          ...base,
          face,
          sizes: [n],
          serialN: 0,
          commands: COMMANDS,
          label: `noauth, ${face}, heap at exit`,
          envVars: {
            NODE_OPTIONS: `--require ${path.join(repoRoot, "bench", "heapAtExit.cjs")}`,
            BENCH_HEAP_FILE: file,
            // V8 takes no code cache written without --expose-gc (which the preload turns on) and the
            // cache rewrites what it rejects: a folder of their own leaves the shared one to the parts
            // after this one (it held caches they rejected, every module once: the profile's TypeScript
            // program took 2.15 s to its provider's start instead of 1.42 s).
            PULUMI_CINDER_NODE_COMPILE_CACHE: path.join(dir, "node-compile-cache"),
          },
        });
        const lines = (await fs.readFile(file, "utf8").catch(() => ""))
          .split("\n")
          .filter((line) => line.trim() !== "")
          .map((line) => JSON.parse(line) as HeapLine)
          .filter((line) => isProviderProcess(face, line.argv));
        // One provider process per command (`up` runs with --skip-preview); a cycle run again after a
        // disturbance wrote lines before these: the last ones are the cycle measured.
        const last = lines.slice(-COMMANDS.length);
        if (last.length < COMMANDS.length) {
          throw new Error(`heap at exit: ${face} N=${n}: ${lines.length} provider lines`);
        }
        last.forEach((line, i) =>
          out.push({
            face,
            n,
            op: COMMANDS[i] as EngineCommand,
            heapUsedBytes: line.heapUsedKiB * 1024,
            peakRssBytes: line.hwmKiB * 1024,
          }),
        );
      }
    }
  } finally {
    await fs.rm(dir, { recursive: true, force: true });
  }
  return out;
}

/** Growth per attachment of `value` from the smallest N to the largest, for one face and command. */
export function retainedGrowth(
  runs: readonly RetainedRun[],
  face: EngineFace,
  op: EngineCommand,
  value: (run: RetainedRun) => number,
): { from: number; to: number; perAttachment: number } | undefined {
  const mine = runs.filter((r) => r.face === face && r.op === op).sort((a, b) => a.n - b.n);
  const first = mine[0];
  const last = mine[mine.length - 1];
  if (!first || !last || last.n === first.n) return undefined;
  return { from: first.n, to: last.n, perAttachment: (value(last) - value(first)) / (last.n - first.n) };
}

const FACE_LABELS: Record<EngineFace, string> = {
  dynamic: "dynamic provider (TypeScript)",
  plugin: "resource plugin (YAML)",
};

/** The report's section. */
export function retainedSection(runs: readonly RetainedRun[]): string {
  if (runs.length === 0) return "";
  const faces = [...new Set(runs.map((r) => r.face))];
  const rows = runs.map((r) => [
    FACE_LABELS[r.face],
    r.op,
    String(r.n),
    mib(r.heapUsedBytes, 1),
    mib(r.peakRssBytes, 1),
  ]);
  const growth: string[][] = [];
  for (const face of faces) {
    for (const op of COMMANDS) {
      const heap = retainedGrowth(runs, face, op, (r) => r.heapUsedBytes);
      const peak = retainedGrowth(runs, face, op, (r) => r.peakRssBytes);
      if (heap && peak) {
        growth.push([
          FACE_LABELS[face],
          op,
          `${heap.from} → ${heap.to}`,
          kib(heap.perAttachment),
          kib(peak.perAttachment),
        ]);
      }
    }
  }
  return [
    "### What the provider process retains",
    "",
    "`up` (`--skip-preview`: one provider process) and `destroy` of N attachments per face, each node process " +
      "preloading `bench/heapAtExit.cjs` (`NODE_OPTIONS=--require`): when the engine stops the provider (SIGINT) " +
      "it forces two garbage collections, then reads the V8 heap in use and the process's resident peak (VmHWM). " +
      "The preload turns on `--expose-gc`, under which V8 rejects code caches written without it: these runs keep a " +
      "code cache of their own (the other parts' is left as it is), and their levels are not part 2's: read the growth.",
    "",
    table(["face", "command", "N", "heap in use after GC at the end", "peak RSS (VmHWM)"], rows),
    "",
    table(["face", "command", "N", "retained heap per extra attachment", "peak RSS per extra attachment"], growth),
    "",
  ].join("\n");
}

/** The target line: the retained heap's growth against the RSS target. */
export function retainedTargets(runs: readonly RetainedRun[]): string[] {
  const faces = [...new Set(runs.map((r) => r.face))];
  const parts: string[] = [];
  let met = true;
  for (const face of faces) {
    const heap = retainedGrowth(runs, face, "up", (r) => r.heapUsedBytes);
    const peak = retainedGrowth(runs, face, "up", (r) => r.peakRssBytes);
    if (!heap || !peak) continue;
    met &&= heap.perAttachment < RSS_GROWTH_TARGET;
    parts.push(
      `${FACE_LABELS[face]} ${kib(heap.perAttachment)} per attachment from N=${heap.from} to N=${heap.to} ` +
        `(its peak RSS ${kib(peak.perAttachment)} in the same runs)`,
    );
  }
  if (parts.length === 0) return [];
  return [
    `- What a provider process retains (heap in use after GC at its end, \`up\`) grows under ` +
      `${kib(RSS_GROWTH_TARGET)} per attachment: **${met ? "met" : "missed"}** (${parts.join("; ")})` +
      (met ? ": the peak RSS's growth above is garbage V8 had not collected, not memory kept." : "."),
  ];
}
