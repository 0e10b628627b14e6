/**
 * The report's growth part: `up`, `preview`, `refresh` and `destroy` of N attachments per face as N
 * grows, against the fewest requests ({@link minimalRequests}) and the raw limit of the same N
 * (bench/limit.ts); and the targets these numbers decide.
 */
import type { EngineRun } from "./engine";
import type { LimitPhase, LimitRun } from "./limit";
import { ENGINE_COMMANDS, type EngineCommand, KIND, minimalRequests, minimalTotal } from "./minimal";
import type { EngineFace } from "./pluginEngine";
import { kib, median, mib, ms, ratio, seconds, table } from "./stats";

/** Targets of issue #15 for the growth. */
export const SPAN_TARGET = 1.15;
/** From this N on, up's span is held to {@link SPAN_TARGET}. */
export const SPAN_TARGET_FROM_N = 50;
/** Provider RSS growth per attachment, at most (bytes). */
export const RSS_GROWTH_TARGET = 20 * 1024;

const FACE_LABELS: Record<EngineFace, string> = {
  dynamic: "the dynamic provider (inline TypeScript program)",
  plugin: "the resource plugin (Pulumi YAML program)",
};

/** One face's runs and raw limits. */
export interface FaceGrowth {
  readonly face: EngineFace;
  readonly runs: readonly EngineRun[];
  readonly limits: readonly LimitRun[];
  /** The same face's `up` and `destroy` at some N with `PULUMI_SKIP_CHECKPOINTS=true` (none: not run). */
  readonly withoutCheckpoints?: readonly EngineRun[];
}

function plain(runs: readonly EngineRun[], op: EngineCommand, n: number): EngineRun[] {
  return runs.filter((r) => r.op === op && r.n === n && r.parallel === undefined);
}

function sizesOf(runs: readonly EngineRun[]): number[] {
  return [...new Set(runs.filter((r) => r.parallel === undefined).map((r) => r.n))].sort((a, b) => a - b);
}

function medianOf(runs: readonly EngineRun[], pick: (r: EngineRun) => number): number {
  return median(runs.map(pick).filter((v) => Number.isFinite(v)));
}

/** Whether a run sent exactly the fewest requests (runs that got a 5xx are judged apart: recovery costs requests). */
export function isMinimal(run: EngineRun): boolean {
  const expected = minimalRequests(run.face, run.op, run.n);
  const kinds = new Set([...Object.keys(expected), ...Object.keys(run.byKind)]);
  return [...kinds].every((kind) => (run.byKind[kind] ?? 0) === (expected[kind] ?? 0));
}

function kinds(byKind: Record<string, number>): string {
  return (
    Object.entries(byKind)
      .map(([kind, count]) => `${count}× ${kind}`)
      .join(", ") || "none"
  );
}

/** Per command, one row per N: the growth table of one face. */
function faceTable(growth: FaceGrowth): string {
  const sizes = sizesOf(growth.runs);
  const rows: string[][] = [];
  for (const op of ENGINE_COMMANDS) {
    let previous: { n: number; wall: number } | undefined;
    for (const n of sizes) {
      const group = plain(growth.runs, op, n);
      if (group.length === 0) continue;
      const wall = medianOf(group, (r) => r.wallMs);
      const clean = group.find((r) => r.serverErrors === 0) ?? group[0];
      const minimal = group.every((r) => r.serverErrors > 0 || isMinimal(r));
      const state = op === "up" ? medianOf(group, (r) => r.state?.perAttachmentBytes ?? Number.NaN) : Number.NaN;
      rows.push([
        op,
        String(n),
        `${seconds(wall)}${group.length > 1 ? ` (${group.map((r) => (r.wallMs / 1000).toFixed(2)).join(", ")})` : ""}`,
        previous ? ms((wall - previous.wall) / (n - previous.n)) : "–",
        `${[...new Set(group.map((r) => r.requests))].join("/")} ${minimal ? "✓" : "✗"} (min ${minimalTotal(growth.face, op, n)})`,
        kinds(clean?.byKind ?? {}),
        String(Math.max(...group.map((r) => r.serverErrors))),
        String(Math.max(...group.map((r) => r.maxInFlight))),
        seconds(medianOf(group, (r) => r.firstRequestMs)),
        seconds(medianOf(group, (r) => r.spanMs)),
        mib(Math.max(...group.map((r) => r.peakRssBytes))),
        op === "up" ? kib(state) : "–",
      ]);
      previous = { n, wall };
    }
  }
  return table(
    [
      "command",
      "N",
      "wall (median; each)",
      "per extra attachment (since the previous N)",
      "Cinder requests (✓ minimal)",
      "by kind",
      "5xx",
      "max in flight",
      "first request at",
      "first request to last answer",
      "provider peak RSS",
      "state per attachment",
    ],
    rows,
  );
}

function phaseOf(limit: LimitRun, op: EngineCommand): LimitPhase | undefined {
  if (op === "up") return limit.up;
  if (op === "refresh") return limit.refresh;
  if (op === "destroy") return limit.destroy;
  return undefined;
}

/** `up`'s span over the raw run's at each N ≥ {@link SPAN_TARGET_FROM_N} with a raw run, for `runs`. */
function spanRatios(runs: readonly EngineRun[], limits: readonly LimitRun[]): { n: number; ratio: number }[] {
  return limits
    .filter((l) => l.n >= SPAN_TARGET_FROM_N && plain(runs, "up", l.n).length > 0)
    .map((l) => ({ n: l.n, ratio: medianOf(plain(runs, "up", l.n), (r) => r.spanMs) / l.up.spanMs }));
}

/**
 * The missed spans again without the engine's intermediate checkpoints, against the same raw runs:
 * the engine's when each is within the target, ours when one is not; empty when none missed or ran.
 */
function withoutCheckpointsSpans(growth: FaceGrowth, missed: readonly number[]): string {
  const spans = spanRatios(growth.withoutCheckpoints ?? [], growth.limits).filter((s) => missed.includes(s.n));
  if (spans.length === 0) return "";
  const unexplained = missed.filter((n) => !spans.some((s) => s.n === n && s.ratio <= SPAN_TARGET));
  return (
    `; without the engine's intermediate checkpoints (PULUMI_SKIP_CHECKPOINTS): ` +
    `${spans.map((s) => `N=${s.n}: ${ratio(s.ratio)}`).join(", ")}: ` +
    (unexplained.length === 0 ? "the engine's" : `not within it at N=${unexplained.join(", ")}: ours`)
  );
}

/** The engine's span against the raw run's, per N, for the commands with a raw counterpart. */
function limitTable(growth: FaceGrowth): string {
  const rows: string[][] = [];
  for (const op of ["up", "refresh", "destroy"] as const) {
    for (const n of [...new Set(growth.limits.map((l) => l.n))].sort((a, b) => a - b)) {
      const raw = growth.limits.filter((l) => l.n === n).map((l) => phaseOf(l, op) as LimitPhase);
      const engine = medianOf(plain(growth.runs, op, n), (r) => r.spanMs);
      const rawSpan = median(raw.map((p) => p.spanMs));
      const spanRatio = engine / rawSpan;
      const verdict = op === "up" && n >= SPAN_TARGET_FROM_N ? ` ${spanRatio <= SPAN_TARGET ? "met" : "MISSED"}` : "";
      rows.push([
        op,
        String(n),
        seconds(engine),
        `${seconds(rawSpan)} (${[...new Set(raw.map((p) => p.requests))].join("/")} requests, ${Math.max(...raw.map((p) => p.maxInFlight))} in flight)`,
        `${ratio(spanRatio)}${verdict}`,
        ms((engine - rawSpan) / n),
      ]);
    }
  }
  return table(
    [
      "command",
      "N",
      "engine: first request to last answer",
      "raw: the same requests at the engine's parallelism",
      "engine / raw",
      "engine's extra per attachment",
    ],
    rows,
  );
}

/** Slope of the median wall time between two sizes (ms per attachment), from the runs of one pass or all. */
function slope(runs: readonly EngineRun[], op: EngineCommand, a: number, b: number): number {
  return (medianOf(plain(runs, op, b), (r) => r.wallMs) - medianOf(plain(runs, op, a), (r) => r.wallMs)) / (b - a);
}

/** The slope from 10 to 50 in each pass that ran both (a pass: runs in order, until N comes again). */
function passSlopes(runs: readonly EngineRun[], op: EngineCommand, a: number, b: number): number[] {
  const ofOp = runs.filter((r) => r.op === op && r.parallel === undefined);
  const firstsA = ofOp.filter((r) => r.n === a);
  const firstsB = ofOp.filter((r) => r.n === b);
  const out: number[] = [];
  for (let i = 0; i < Math.min(firstsA.length, firstsB.length); i += 1) {
    out.push(((firstsB[i] as EngineRun).wallMs - (firstsA[i] as EngineRun).wallMs) / (b - a));
  }
  return out;
}

/**
 * Verdict on quadratic growth for one command: the 200 → 500 slope against the 10 → 50 slopes and
 * their spread; with `large` runs given, the 200 → 500 slope is theirs (the same command without the
 * engine's intermediate checkpoints), undefined when they lack N = 200 or 500 of it.
 */
function quadraticVerdict(
  runs: readonly EngineRun[],
  op: EngineCommand,
  largeRuns: readonly EngineRun[] = runs,
): string | undefined {
  const sizes = sizesOf(runs);
  if (![10, 50, 200, 500].every((n) => sizes.includes(n))) return undefined;
  if (![200, 500].every((n) => plain(largeRuns, op, n).length > 0)) return undefined;
  const small = passSlopes(runs, op, 10, 50);
  const large = slope(largeRuns, op, 200, 500);
  const high = Math.max(...small);
  const noise = small.length > 1 ? high - Math.min(...small) : 0;
  const ok = large <= high + noise;
  return (
    `${op}: ${ms(large)} per extra attachment from 200 to 500 against ${small.map(ms).join(" and ")} from 10 to 50 ` +
    `(${small.length} pass${small.length === 1 ? "" : "es"}; noise = their spread ${ms(noise)}): ` +
    `**${ok ? "not quadratic" : "GROWS"}**`
  );
}

/**
 * Peak RSS growth per attachment of a face, (peak at `to` − peak at `from`) / (to − from), the peak
 * at N being the highest VmHWM of any command at N: from the smallest to the largest N, and between
 * the two largest (where fixed costs such as the first JIT no longer count).
 */
export function rssGrowth(
  runs: readonly EngineRun[],
): { from: number; to: number; perAttachment: number; lastFrom: number; lastPerAttachment: number } | undefined {
  const sizes = sizesOf(runs);
  const from = sizes[0];
  const to = sizes.at(-1);
  const lastFrom = sizes.at(-2);
  if (from === undefined || to === undefined || lastFrom === undefined || to <= from) return undefined;
  const peak = (n: number) =>
    Math.max(...runs.filter((r) => r.n === n && r.parallel === undefined).map((r) => r.peakRssBytes));
  return {
    from,
    to,
    perAttachment: (peak(to) - peak(from)) / (to - from),
    lastFrom,
    lastPerAttachment: (peak(to) - peak(lastFrom)) / (to - lastFrom),
  };
}

/** The growth section of both faces. */
export function growthSection(faces: readonly FaceGrowth[], parallelism: number): string {
  const out: string[] = [
    "## 2. Through the engine: `up`, `preview`, `refresh`, `destroy` as N grows",
    "",
    "Automation API (`up` is `pulumi up --yes --skip-preview`; `preview --expect-no-changes`; `refresh --yes " +
      "--expect-no-changes`; `destroy --yes`), one attachment per volume (connector, completed), volumes made " +
      "beforehand, noauth Cinder behind the recording proxy; each N's cycle of the four commands in turn, the " +
      "dynamic provider's cycles first, then the plugin's. Requests: the proxy's count; ✓ when each kind is " +
      "exactly the fewest (`minimalRequests` in bench/minimal.ts: for `up` one version discovery, then per " +
      "attachment create + os-complete; nothing for `preview`; one read per attachment for `refresh`, one " +
      "delete for `destroy`). Per extra attachment: the median wall time's growth since the previous N, divided " +
      "by the N added. 'First request at': the fixed part (CLI, program, provider start) before the first " +
      "request; 'first request to last answer': the span of the command's Cinder traffic at the proxy. Peak RSS: " +
      "VmHWM of the provider process (the `dynamic-provider` node process of the stack's folder, or the plugin's " +
      "node process), sampled every 100 ms from /proc. State: the attachments' entries of `pulumi stack export` " +
      "after `up` (compact JSON), per attachment.",
    "",
  ];
  for (const growth of faces) {
    const label = FACE_LABELS[growth.face];
    out.push(`### ${label.charAt(0).toUpperCase()}${label.slice(1)}`, "", faceTable(growth), "");
  }
  if (faces.some((f) => f.limits.length > 0)) {
    out.push(
      "### The limit: the same requests as raw HTTP",
      "",
      `After each N's cycle, the same N full creates (POST with the connector) each followed by its os-complete, ` +
        `then N reads, then N deletes, sent by bench/raw.ts (node:http, keep-alive) at ${parallelism} at once ` +
        "(the engine's default parallelism in v3.248.0: `defaultParallel()` in cmd/pulumi/operations/up.go is " +
        "`PULUMI_PARALLEL`, else GOMAXPROCS × 4; GOMAXPROCS is the CPU count, 2 here), through the same proxy to " +
        "the same Cinder. Span: the first request's arrival to the last answer at the proxy, for the engine's " +
        `command and for the raw phase. Target (issue #15): \`up\`'s span within ${ratio(SPAN_TARGET)} of the raw ` +
        `run's at N ≥ ${SPAN_TARGET_FROM_N}.`,
      "",
    );
    for (const growth of faces) {
      if (growth.limits.length === 0) continue;
      const label = FACE_LABELS[growth.face];
      out.push(`${label.charAt(0).toUpperCase()}${label.slice(1)}:`, "", limitTable(growth), "");
    }
  }
  return out.join("\n");
}

/** The growth's lines in the report's targets. */
export function growthTargets(faces: readonly FaceGrowth[]): string[] {
  const out: string[] = [];
  for (const growth of faces) {
    const label = `Through ${FACE_LABELS[growth.face]}`;
    const judged = growth.runs.filter((r) => r.parallel === undefined);
    if (judged.length === 0) continue;
    const clean = judged.filter((r) => r.serverErrors === 0);
    const off = clean.filter((r) => !isMinimal(r));
    out.push(
      `- ${label}: requests exactly minimal for every command at every N (${sizesOf(judged).join(", ")}): ` +
        (off.length === 0
          ? "**met**"
          : `**missed** for ${off.map((r) => `${r.op} N=${r.n} (${kinds(r.byKind)})`).join("; ")}`) +
        (clean.length < judged.length ? ` (${judged.length - clean.length} runs got a 5xx and are left out)` : "") +
        ".",
    );
    const refreshes = judged.filter((r) => r.op === "refresh");
    const reads = refreshes.map((r) => r.byKind[KIND.read] ?? 0);
    out.push(
      `- ${label}: \`refresh\` of N at most N reads: ` +
        `**${refreshes.every((r) => (r.byKind[KIND.read] ?? 0) <= r.n) ? "met" : "missed"}** ` +
        `(${refreshes.map((r, i) => `N=${r.n}: ${reads[i] ?? 0}`).join(", ")}); \`preview\` with no change ` +
        "no request, not even version discovery: " +
        `**${judged.filter((r) => r.op === "preview").every((r) => r.requests === 0) ? "met" : "missed"}**.`,
    );
    const spans = spanRatios(growth.runs, growth.limits);
    if (spans.length > 0) {
      const missed = spans.filter((s) => !(s.ratio <= SPAN_TARGET));
      out.push(
        `- ${label}: \`up\`'s request span within ${ratio(SPAN_TARGET)} of the raw run's at N ≥ ${SPAN_TARGET_FROM_N}: ` +
          `**${missed.length === 0 ? "met" : "missed"}** (${spans.map((s) => `N=${s.n}: ${ratio(s.ratio)}`).join(", ")})` +
          `${withoutCheckpointsSpans(
            growth,
            missed.map((s) => s.n),
          )}.`,
      );
    }
    const rss = rssGrowth(judged);
    if (rss && rss.to >= 50) {
      out.push(
        `- ${label}: provider peak RSS growth under ${kib(RSS_GROWTH_TARGET)} per attachment: ` +
          `**${rss.perAttachment < RSS_GROWTH_TARGET ? "met" : "missed"}** (${kib(rss.perAttachment)} per attachment ` +
          `from N=${rss.from} to N=${rss.to}, ${kib(rss.lastPerAttachment)} from N=${rss.lastFrom} to N=${rss.to}; ` +
          "the highest VmHWM of any command at each N).",
      );
    }
    const verdicts = ENGINE_COMMANDS.map((op) => quadraticVerdict(judged, op)).filter(
      (v): v is string => v !== undefined,
    );
    if (verdicts.length > 0) {
      const without = ENGINE_COMMANDS.map((op) => quadraticVerdict(judged, op, growth.withoutCheckpoints ?? [])).filter(
        (v): v is string => v !== undefined,
      );
      out.push(
        `- ${label}: nothing quadratic (the time per extra attachment from 200 to 500 at most that from 10 to 50 ` +
          `plus the noise, the spread of the 10 → 50 slope between the two passes of 10 and 50): ${verdicts.join("; ")}` +
          (without.length === 0
            ? "."
            : `; without the engine's intermediate checkpoints (PULUMI_SKIP_CHECKPOINTS, the 200 → 500 slope of ` +
              `those runs against the same 10 → 50 slopes): ${without.join("; ")}.`),
      );
    }
  }
  return out;
}
