/** The bench's growth targets (part 2): how a missed span or a growing slope is told to be the engine's checkpoints or ours. */
import type { EngineRun } from "../../bench/engine";
import { growthTargets } from "../../bench/growthReport";
import type { LimitPhase, LimitRun } from "../../bench/limit";
import type { EngineCommand } from "../../bench/minimal";

function run(op: EngineCommand, n: number, wallMs: number, spanMs = wallMs): EngineRun {
  return {
    label: "noauth",
    n,
    op,
    wallMs,
    requests: 0,
    serverErrors: 0,
    errorsByKind: {},
    byKind: {},
    maxInFlight: 8,
    firstRequestMs: 0,
    lastRequestMs: spanMs,
    spanMs,
    peakRssBytes: 0,
    providerProcesses: 1,
    changes: {},
    face: "plugin",
  };
}

function limit(n: number, upSpanMs: number): LimitRun {
  const phase = (spanMs: number): LimitPhase => ({ wallMs: spanMs, spanMs, requests: 2 * n, maxInFlight: 8 });
  return { n, concurrency: 8, up: phase(upSpanMs), refresh: phase(n), destroy: phase(n) };
}

/** `up` of N at 100 ms per attachment for 10 and 50 in two passes, 200 and 500 as given. */
function growth(up200: number, up500: number): EngineRun[] {
  return [10, 50, 200, 500, 10, 50].map((n) => run("up", n, n === 200 ? up200 : n === 500 ? up500 : 100 * n));
}

const line = (lines: string[], what: string) => lines.find((l) => l.includes(what)) ?? "";

describe("the span against the raw run", () => {
  /** The span line of a face whose `up` of 200 spans 2x the raw run's, with the run without checkpoints spanning `without` ms (none: not run). */
  const spanLine = (without?: number) =>
    line(
      growthTargets([
        {
          face: "plugin",
          runs: growth(20_000, 50_000),
          limits: [limit(200, 10_000)],
          withoutCheckpoints: without === undefined ? undefined : [run("up", 200, 15_000, without)],
        },
      ]),
      "request span",
    );

  test("missed with the checkpoints but within the target without them is the engine's", () => {
    expect(spanLine(11_000)).toMatch(
      /\*\*missed\*\* \(N=200: 2\.00x\); without the engine's intermediate checkpoints \(PULUMI_SKIP_CHECKPOINTS\): N=200: 1\.10x: the engine's\.$/,
    );
  });

  test("missed without the checkpoints too is ours", () => {
    expect(spanLine(13_000)).toMatch(/N=200: 1\.30x: not within it at N=200: ours\.$/);
  });

  test("without runs without checkpoints, a miss is only a miss", () => {
    expect(spanLine()).toMatch(/\*\*missed\*\* \(N=200: 2\.00x\)\.$/);
  });
});

describe("nothing quadratic", () => {
  test("a 200 → 500 slope that grows with the checkpoints and not without them is shown both ways", () => {
    const lines = growthTargets([
      {
        face: "plugin",
        // 10 → 50: 100 ms per attachment; 200 → 500: 300 ms with the checkpoints, 100 ms without.
        runs: growth(20_000, 110_000),
        limits: [],
        withoutCheckpoints: [run("up", 200, 20_000), run("up", 500, 50_000)],
      },
    ]);
    expect(line(lines, "nothing quadratic")).toMatch(
      /up: 300 ms per extra attachment .*\*\*GROWS\*\*; without the engine's intermediate checkpoints .*: up: 100 ms per extra attachment .*\*\*not quadratic\*\*\.$/,
    );
  });
});
