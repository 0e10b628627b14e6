/** Turns the measurements into bench/RESULTS.md (and a JSON summary for the smoke test). */
import { CLIENT_NAMES, type ClientName } from "./clients";
import type { EngineRun } from "./engine";
import { type FaceGrowth, growthSection, growthTargets } from "./growthReport";
import type { LimitRun } from "./limit";
import { type ProfileResult, profileSection } from "./profile";
import { type EngineCommand, type RequestsByKind, minimalRequests } from "./minimal";
import type { TokenCount } from "./keystone";
import type { MachineFacts } from "./machine";
import {
  facesEngineSection,
  pluginOperationsSection,
  pluginTargets,
  startupSection,
  stateComparison,
} from "./pluginReport";
import type { StartupResult } from "./startup";
import { OP_INFO, OP_NAMES, type OpName, type OperationsResult } from "./operations";
import { median, mib, ms, quantile, ratio, seconds, table } from "./stats";
import { peerSection, peerTargets } from "./peerReport";
import { type RetainedRun, retainedSection, retainedTargets } from "./retained";
import type { VersusRun } from "./versus";
import type { EngineFace } from "./pluginEngine";

/** Everything one run measured. */
export interface BenchResults {
  readonly mode: "full" | "quick";
  readonly startedAt: string;
  readonly durationMs: number;
  readonly command: string;
  readonly machine: MachineFacts;
  readonly loadAtEnd: string;
  readonly operations?: OperationsResult;
  readonly engine?: EngineRun[];
  /** Part 2 through the resource plugin (YAML program). */
  readonly pluginEngine?: EngineRun[];
  /** The raw limit beside the dynamic provider's cycles, and beside the plugin's. */
  readonly limits?: LimitRun[];
  readonly pluginLimits?: LimitRun[];
  /** The engine's default parallelism (what the raw limit used). */
  readonly engineParallelism?: number;
  /** The dynamic provider's up and destroy at one N with `PULUMI_SKIP_CHECKPOINTS` (no intermediate state saves). */
  readonly noCheckpoints?: EngineRun[];
  /** `up` and `destroy` per face with each provider's heap after GC at its end. */
  readonly retained?: RetainedRun[];
  /** Where the fixed cost of one `pulumi up --yes` goes, per face. */
  readonly profile?: ProfileResult;
  /** The plugin's start-up. */
  readonly startup?: StartupResult;
  /** Peak RSS of a dynamic provider process that served nothing. */
  readonly idleProviderRssBytes?: number;
  readonly keystoneEngine?: EngineRun[];
  readonly tokens?: TokenCount[];
  /** Part 4: ours against the Terraform peer. */
  readonly peer?: VersusRun[];
  /** Steps and runs redone or dropped because Cinder failed under other work. */
  readonly disturbed: number;
}

/** The target of the provider's time per operation, relative to one raw request. */
export const TIME_TARGET = 1.1;

const CLIENT_LABELS: Record<ClientName, string> = {
  raw: "raw HTTP (node:http)",
  provider: "provider methods",
  plugin: "resource plugin (gRPC)",
  cinderclient: "python-cinderclient (library)",
  openstacksdk: "openstacksdk (REST passthrough)",
  "cinder-cli": "cinder CLI",
};

/** One engine command's counts in the summary. */
export interface EngineSummary {
  readonly n: number;
  readonly op: EngineCommand;
  readonly parallel?: number;
  readonly requests: number;
  readonly serverErrors: number;
  readonly byKind: RequestsByKind;
  /** The fewest requests by kind for this command, face and N. */
  readonly minimal: RequestsByKind;
}

function engineSummary(runs: readonly EngineRun[] | undefined): EngineSummary[] {
  return (runs ?? []).map((r) => ({
    n: r.n,
    op: r.op,
    parallel: r.parallel,
    requests: r.requests,
    serverErrors: r.serverErrors,
    byKind: r.byKind,
    minimal: minimalRequests(r.face, r.op, r.n),
  }));
}

/** The deterministic part of a run, for the smoke test: requests per client and operation, and the engine's counts. */
export interface BenchSummary {
  readonly mode: "full" | "quick";
  /** Requests per client and op (first occurrence in the counting pass). */
  readonly requests: Partial<Record<ClientName, Partial<Record<OpName, number>>>>;
  /** The provider's connect (version discovery). */
  readonly providerSetupRequests?: number;
  readonly providerSelfCount?: { stats: number; proxy: number };
  /** The plugin's requests before its first operation (version discovery), as the proxy saw them. */
  readonly pluginSetupRequests?: number;
  /** What each client should send per operation (OP_INFO): the API's fewest (raw), and our core's by design. */
  readonly expectedPerOperation: { raw: Partial<Record<OpName, number>>; provider: Partial<Record<OpName, number>> };
  /** Part 2 through the dynamic provider: every command of every N, with what it should have sent (`minimalRequests`). */
  readonly engine: EngineSummary[];
  /** Part 2 through the resource plugin (YAML program), as `engine`. */
  readonly pluginEngine: EngineSummary[];
  /** State per attachment after `up` of both faces at the largest N both ran (bytes), and the plugin's share. */
  readonly statePerAttachment?: { n: number; dynamic: number; plugin: number; ratio: number };
  /** The plugin's start-up: starts measured and the medians (ms from exec). */
  readonly startup?: { starts: number; portMs: number; configureMs: number; nodeFloorMs: number };
  readonly keystoneEngine: { label: string; n: number; op: string; requests: number; tokenRequests: number }[];
  readonly tokens: TokenCount[];
  /** Part 4's request counts per side, command and N (every run). */
  readonly peer: {
    side: string;
    command: string;
    n: number;
    cinderRequests: number;
    keystoneRequests: number;
    tokenRequests: number;
  }[];
  /** Median paired ratio provider/raw per op. */
  readonly providerRatios: Partial<Record<OpName, number>>;
  /** Median client-side cost of the provider minus raw's, per op (ms, recorded answers). */
  readonly providerClientSideOverheadMs: Partial<Record<OpName, number>>;
  /** Median paired ratio plugin/raw per op. */
  readonly pluginRatios: Partial<Record<OpName, number>>;
}

function medianRatio(result: OperationsResult, client: ClientName, op: OpName): number {
  return median(result.pairedRatios[client][op]);
}

/** The machine-readable summary. */
export function summarize(results: BenchResults): BenchSummary {
  const requests: Partial<Record<ClientName, Partial<Record<OpName, number>>>> = {};
  const providerRatios: Partial<Record<OpName, number>> = {};
  const providerClientSideOverheadMs: Partial<Record<OpName, number>> = {};
  const pluginRatios: Partial<Record<OpName, number>> = {};
  const ops = results.operations;
  if (ops) {
    for (const client of CLIENT_NAMES) {
      const counts: Partial<Record<OpName, number>> = {};
      for (const op of OP_NAMES) {
        const first = ops.requests[client][op][0];
        if (first) counts[op] = first.count;
      }
      requests[client] = counts;
    }
    for (const op of OP_NAMES) {
      providerRatios[op] = medianRatio(ops, "provider", op);
      providerClientSideOverheadMs[op] = median(ops.clientSide.provider[op]) - median(ops.clientSide.raw[op]);
      pluginRatios[op] = medianRatio(ops, "plugin", op);
    }
  }
  return {
    mode: results.mode,
    requests,
    providerSetupRequests: ops?.setup.provider.requests.length,
    providerSelfCount: ops?.providerSelfCount,
    pluginSetupRequests: ops?.setup.plugin.requests.length,
    expectedPerOperation: {
      raw: Object.fromEntries(OP_NAMES.map((op) => [op, OP_INFO[op].minimal])),
      provider: Object.fromEntries(OP_NAMES.map((op) => [op, OP_INFO[op].provider])),
    },
    engine: engineSummary(results.engine),
    pluginEngine: engineSummary(results.pluginEngine),
    statePerAttachment:
      results.engine && results.pluginEngine ? stateComparison(results.engine, results.pluginEngine) : undefined,
    startup: results.startup && {
      starts: results.startup.starts.length,
      portMs: median(results.startup.starts.map((s) => s.portMs)),
      configureMs: median(results.startup.starts.map((s) => s.configureMs)),
      nodeFloorMs: median(results.startup.nodeFloorMs),
    },
    keystoneEngine: (results.keystoneEngine ?? []).map((r) => ({
      label: r.label,
      n: r.n,
      op: r.op,
      requests: r.requests,
      tokenRequests: r.byKind["POST /v3/auth/tokens"] ?? 0,
    })),
    tokens: results.tokens ?? [],
    peer: (results.peer ?? []).map((r) => ({
      side: r.side,
      command: r.command,
      n: r.n,
      cinderRequests: r.cinderRequests,
      keystoneRequests: r.keystoneRequests,
      tokenRequests: r.tokenRequests,
    })),
    providerRatios,
    providerClientSideOverheadMs,
    pluginRatios,
  };
}

function operationsSection(result: OperationsResult): string {
  const out: string[] = [];
  const cliNote = !result.clients.includes("cinder-cli")
    ? "the cinder CLI left out (quick run)"
    : result.cliRepeats > 0
      ? `the CLI in the first ${result.cliRepeats}`
      : "the CLI only in the counting pass (its times are in the requests table)";
  out.push(
    "## 1. Per operation",
    "",
    `Median time per operation over ${result.repeats} interleaved repeats (${cliNote}), straight to Cinder. ` +
      "In brackets: the median of the per-repeat ratios to the raw request of the same repeat and step. " +
      "Library times are in-process (the Python client's own call time, measured in Python); the CLI's is " +
      "the wall time of its process, as a user pays it. The provider's time covers what the engine calls " +
      "for the operation: `check` + `create`; `check` + `diff` + `update`; `read`; `delete`; the resource " +
      "plugin's the same calls over gRPC (see below).",
    "",
  );
  const timeRows = OP_NAMES.map((op) => [
    OP_INFO[op].label,
    ...result.clients.map((client) => {
      const samples = result.samples[client][op];
      if (samples.length === 0) return "–";
      const value = ms(median(samples));
      return client === "raw" ? value : `${value} (${ratio(medianRatio(result, client, op))})`;
    }),
  ]);
  out.push(table(["operation", ...result.clients.map((c) => CLIENT_LABELS[c])], timeRows), "");

  const spreadRows = OP_NAMES.map((op) => {
    const ratios = result.pairedRatios.provider[op];
    const raw = result.samples.raw[op];
    const provider = result.samples.provider[op];
    const verdict = median(ratios) <= TIME_TARGET ? "met" : "MISSED";
    return [
      OP_INFO[op].label,
      `${ms(quantile(raw, 0.25))} – ${ms(quantile(raw, 0.75))}`,
      `${ms(quantile(provider, 0.25))} – ${ms(quantile(provider, 0.75))}`,
      `${ratio(quantile(ratios, 0.25))} – ${ratio(quantile(ratios, 0.75))}`,
      `${ratio(median(ratios))} ${verdict}`,
      String(ratios.length),
    ];
  });
  out.push(
    `Provider against raw, spread (interquartile ranges; target: median ratio ≤ ${TIME_TARGET.toFixed(2)}x):`,
    "",
    table(["operation", "raw IQR", "provider IQR", "paired ratio IQR", "median ratio", "samples"], spreadRows),
    "",
  );

  const sideClients = result.clients.filter((c) => c !== "cinder-cli");
  const sideRows = OP_NAMES.map((op) => {
    const raw = median(result.clientSide.raw[op]);
    const provider = median(result.clientSide.provider[op]);
    const real = median(result.samples.raw[op]);
    return [
      OP_INFO[op].label,
      ...sideClients.map((client) => {
        const value = median(result.clientSide[client][op]);
        return client === "raw" ? ms(value) : `${ms(value)} (${value >= raw ? "+" : ""}${ms(value - raw)})`;
      }),
      ratio((real + provider - raw) / real),
    ];
  });
  out.push(
    "### Client-side cost per operation (recorded answers, no Cinder)",
    "",
    `Each client against a loopback server that replays, at once, the answers the real Cinder gave in the counting ` +
      `pass: what the client itself costs (HTTP stack, validation, mapping), without Cinder's time and its noise. ` +
      `Median of ${result.clientSideRepeats} interleaved repeats after a warm-up; in brackets the difference to the raw ` +
      "request. Last column: the provider's ratio to raw that this difference implies on the real Cinder " +
      "((raw + difference) / raw, raw from the timing pass above).",
    "",
    table(
      ["operation", ...sideClients.map((c) => CLIENT_LABELS[c]), "implied provider ratio on real Cinder"],
      sideRows,
    ),
    "",
  );

  out.push(
    "### Requests per operation",
    "",
    "Counted by a recording proxy in front of Cinder (test/support/proxy.ts), one pass of the sequence per client. " +
      "Minimal = the fewest requests the API allows. Time in brackets: that pass, through the proxy.",
    "",
  );
  const countRows = OP_NAMES.map((op) => [
    OP_INFO[op].label,
    OP_INFO[op].provider === OP_INFO[op].minimal
      ? String(OP_INFO[op].minimal)
      : `${OP_INFO[op].minimal} (ours by design: ${OP_INFO[op].provider})`,
    ...result.clients.map((client) => {
      const seen = result.requests[client][op];
      if (seen.length === 0) return "–";
      const counts = [...new Set(seen.map((s) => s.count))].join("/");
      const verdict =
        client === "provider" || client === "plugin"
          ? seen.every((s) => s.count === OP_INFO[op].provider)
            ? " ✓"
            : " ✗"
          : "";
      return `${counts}${verdict} (${ms(median(seen.map((s) => s.ms)))})`;
    }),
  ]);
  out.push(table(["operation", "minimal", ...result.clients.map((c) => CLIENT_LABELS[c])], countRows), "");

  out.push("What each client sent (counting pass):", "");
  const detailRows: string[][] = [];
  for (const op of OP_NAMES) {
    for (const client of result.clients) {
      const first = result.requests[client][op][0];
      if (first) detailRows.push([OP_INFO[op].label, CLIENT_LABELS[client], first.requests.join("; ")]);
    }
  }
  out.push(table(["operation", "client", "requests (microversion)"], detailRows), "");

  const peers = result.peers;
  out.push(
    "Once per process, before the first operation (not in the times above):",
    "",
    table(
      ["client", "requests", "cost"],
      [
        [
          CLIENT_LABELS.provider,
          result.setup.provider.requests.join("; ") || "none",
          `${ms(result.setup.provider.ms ?? Number.NaN)} (connect)`,
        ],
        [
          CLIENT_LABELS.plugin,
          result.setup.plugin.requests.join("; ") || "none",
          `${ms(result.setup.plugin.ms ?? Number.NaN)} (process start, Configure, connect: part "start-up")`,
        ],
        [
          CLIENT_LABELS.cinderclient,
          result.setup.cinderclient.requests.join("; ") || "none",
          `${ms(result.peerSetupMs["cinderclient"] ?? Number.NaN)} (Client()) + Python imports ${ms(peers.importMs)} shared with openstacksdk`,
        ],
        [
          CLIENT_LABELS.openstacksdk,
          result.setup.openstacksdk.requests.join("; ") || "none",
          `${ms(result.peerSetupMs["openstacksdk"] ?? Number.NaN)} (Connection())`,
        ],
        ...(result.clients.includes("cinder-cli")
          ? [
              [
                CLIENT_LABELS["cinder-cli"],
                "every command: its own version discovery (above)",
                "interpreter start per command",
              ],
            ]
          : []),
      ],
    ),
    "",
    `The provider counted ${result.providerSelfCount.stats} requests itself (CinderClient.stats) over the counting ` +
      `pass; the proxy saw ${result.providerSelfCount.proxy}.`,
    "",
    `openstacksdk ${peers.versions["openstacksdk"] ?? "?"} (Debian) has no attachment resource: its block_storage v3 proxy ` +
      `offers only ${peers.openstacksdkAttachmentMethods.map((m) => `\`${m}\``).join(", ")} (the legacy os-attach / ` +
      "os-initialize_connection / os-terminate_connection volume actions, not the Attachments API). It is measured " +
      "through its REST passthrough (`conn.block_storage.post/put/get/delete` with `microversion=`), with its " +
      "version discovery skipped: a noauth Cinder answers keystoneauth's unauthenticated `GET /v3` with an empty 204.",
    "",
  );
  return out.join("\n");
}

function engineSection(runs: EngineRun[], title: string, intro: string, requestsLabel: string): string {
  const out: string[] = [title, "", intro, ""];
  const keyOf = (r: EngineRun) => `${r.n}|${r.op}|${r.parallel ?? ""}|${r.label}`;
  const labels = new Set(runs.map((r) => r.label));
  const keys = [...new Set(runs.map(keyOf))];
  const one = new Map<string, number>();
  for (const op of ["up", "preview", "refresh", "destroy"]) {
    const base = runs.filter((r) => r.n === 1 && r.op === op && r.parallel === undefined).map((r) => r.wallMs);
    if (base.length > 0) one.set(op, median(base));
  }
  const rows = keys.map((key) => {
    const [n, op, parallel, label] = key.split("|");
    const group = runs.filter((r) => keyOf(r) === key);
    const wall = median(group.map((r) => r.wallMs));
    const count = Number(n);
    const base = one.get(op ?? "");
    const requests = group.map((r) => String(r.requests)).join("/");
    const errors = group.map((r) => r.serverErrors);
    const errorKinds = [...new Set(group.flatMap((r) => Object.keys(r.errorsByKind)))];
    const clean = group.find((r) => r.serverErrors === 0) ?? group[0];
    const kinds = Object.entries(clean?.byKind ?? {})
      .map(([kind, k]) => `${k}× ${kind}`)
      .join(", ");
    return [
      `${labels.size > 1 ? `${label ?? "?"}: ` : ""}${op ?? "?"} N=${n ?? "?"}${parallel ? ` (--parallel ${parallel})` : ""}`,
      `${seconds(wall)}${group.length > 1 ? ` (${group.map((r) => (r.wallMs / 1000).toFixed(2)).join(", ")})` : ""}`,
      ms(wall / count),
      base !== undefined && count > 1 ? `${ms((wall - base) / (count - 1))}` : "–",
      base !== undefined ? ratio(wall / base) : "–",
      `${requests}${kinds ? ` (${kinds})` : ""}`,
      errors.some((e) => e > 0) ? `${errors.join("/")} (${errorKinds.join(", ")})` : "0",
      String(Math.max(...group.map((r) => r.maxInFlight))),
      seconds(median(group.map((r) => r.firstRequestMs))),
      seconds(median(group.map((r) => r.lastRequestMs - r.firstRequestMs))),
      mib(Math.max(...group.map((r) => r.peakRssBytes))),
      String(Math.max(...group.map((r) => r.providerProcesses))),
    ];
  });
  out.push(
    table(
      [
        "run",
        "wall (median; each)",
        "per attachment",
        "marginal per attachment",
        "vs N=1",
        requestsLabel,
        "5xx answers (recovered)",
        "max in flight",
        "first request at",
        "first to last request",
        "provider peak RSS",
        "provider processes",
      ],
      rows,
    ),
    "",
  );
  return out.join("\n");
}

function targetsSection(results: BenchResults): string {
  const out: string[] = ["## Targets", ""];
  const ops = results.operations;
  if (ops) {
    const timeMisses = OP_NAMES.filter((op) => !(medianRatio(ops, "provider", op) <= TIME_TARGET));
    out.push(
      `- Provider time within ${TIME_TARGET.toFixed(2)}x of the raw request (median paired ratio): ` +
        (timeMisses.length === 0
          ? `**met** for every operation (${OP_NAMES.map((op) => `${op} ${ratio(medianRatio(ops, "provider", op))}`).join(", ")}).`
          : `**missed** for ${timeMisses.map((op) => `${op} (${ratio(medianRatio(ops, "provider", op))})`).join(", ")}; ` +
            `met for the others.`),
    );
    const implied = OP_NAMES.map((op) => {
      const real = median(ops.samples.raw[op]);
      const extra = median(ops.clientSide.provider[op]) - median(ops.clientSide.raw[op]);
      return { op, extra, ratio: (real + extra) / real };
    });
    const worst = implied.reduce((a, b) => (b.ratio > a.ratio ? b : a));
    out.push(
      `- Client-side (recorded answers, no Cinder noise), the provider adds ` +
        `${implied.map((i) => `${i.op} ${ms(i.extra)}`).join(", ")} over the raw request; on the real Cinder that ` +
        `implies at most ${ratio(worst.ratio)} (${worst.op}): ` +
        (implied.every((i) => i.ratio <= TIME_TARGET) ? "**within** the target." : "**over** the target."),
    );
    const countMisses = OP_NAMES.filter((op) =>
      ops.requests.provider[op].some((seen) => seen.count !== OP_INFO[op].provider),
    );
    out.push(
      `- Provider requests as the core sends them by design (${OP_NAMES.map((op) => `${op} ${OP_INFO[op].provider}`).join(", ")}; ` +
        "the fewest the API allows but for a create with an instance, reserve here, which lists the volume's " +
        "attachments first, so its time against the one raw request is not like for like): " +
        (countMisses.length === 0 ? "**met**." : `**missed** for ${countMisses.join(", ")}.`) +
        ` Plus one version discovery per provider process that checks new inputs ` +
        `(${ops.setup.provider.requests.join("; ")}; none where the recorded inputs passed the gates, and none for a read or a delete).`,
    );
  }
  const up = (results.engine ?? []).filter((r) => r.op === "up" && r.parallel === undefined);
  const sizes = [...new Set(up.map((r) => r.n))].sort((a, b) => a - b);
  const smallest = sizes[0];
  const largest = sizes.at(-1);
  if (smallest !== undefined && largest !== undefined && largest > smallest) {
    const a = median(up.filter((r) => r.n === smallest).map((r) => r.wallMs));
    const b = median(up.filter((r) => r.n === largest).map((r) => r.wallMs));
    const parallel = Math.max(...up.filter((r) => r.n === largest).map((r) => r.maxInFlight));
    const serial = (results.engine ?? []).find((r) => r.op === "up" && r.parallel === 1 && r.n === largest);
    out.push(
      `- \`up\` of ${largest} attachments takes ${ratio(b / a)} the time of ${smallest} (${seconds(b)} vs ${seconds(a)}; ` +
        `${largest / smallest}x the work): ${ms((b - a) / (largest - smallest))} per extra attachment, with up to ` +
        `${parallel} requests in flight at once` +
        (serial
          ? ` (with \`--parallel 1\`: ${seconds(serial.wallMs)}, ${ratio(serial.wallMs / b)} the default's).`
          : "."),
    );
  }
  for (const count of results.tokens ?? []) {
    out.push(
      `- Token requests, ${count.label}: ${count.tokenRequests} for ${count.operations} operations ` +
        `(${count.keystoneRequests} requests to Keystone in all).`,
    );
  }
  for (const run of results.keystoneEngine ?? []) {
    out.push(
      `- Token requests in \`pulumi ${run.op}\` of ${run.n} attachments (${run.label}, ` +
        `${run.providerProcesses} provider process${run.providerProcesses === 1 ? "" : "es"}): ` +
        `${run.byKind["POST /v3/auth/tokens"] ?? 0}.`,
    );
  }
  out.push(...growthTargets(faceGrowths(results)));
  out.push(...retainedTargets(results.retained ?? []));
  out.push(...pluginTargets(results.operations, results.startup, results.engine, results.pluginEngine));
  out.push(...peerTargets(results.peer ?? []));
  out.push("");
  return out.join("\n");
}

/** Part 2's runs and raw limits per face. */
function faceGrowths(results: BenchResults): FaceGrowth[] {
  const ran: [EngineFace, EngineRun[] | undefined, LimitRun[] | undefined][] = [
    ["dynamic", results.engine, results.limits],
    ["plugin", results.pluginEngine, results.pluginLimits],
  ];
  return ran.flatMap(([face, runs, limits]) =>
    runs
      ? [
          {
            face,
            runs,
            limits: limits ?? [],
            withoutCheckpoints: (results.noCheckpoints ?? []).filter((r) => r.face === face),
          },
        ]
      : [],
  );
}

/** The whole RESULTS.md. */
export function renderReport(results: BenchResults): string {
  const out: string[] = [
    "# Benchmark results",
    "",
    `Generated by \`${results.command}\` (${results.mode} mode) on ${results.startedAt}, in ` +
      `${seconds(results.durationMs)}. Regenerate with \`npm run bench\` (the whole run) or ` +
      "`npm run bench -- --quick` (the small CI version). Against the local stack of " +
      "`scripts/stack/stack.sh` (real Cinder, noauth API and Keystone-backed API) and the engine of `scripts/engine.sh`.",
    "",
    "## Machine",
    "",
    table(["", ""], [...Object.entries(results.machine), ["Load average at end", results.loadAtEnd] as const]),
    "",
    "Other work may run on this machine during the bench: compare ratios and request counts, not absolute times. " +
      `Disturbed and redone (a step or run that failed or got a 5xx from the shared Cinder database): ${results.disturbed}.`,
    "",
    targetsSection(results),
  ];
  if (results.operations) out.push(operationsSection(results.operations), pluginOperationsSection(results.operations));
  if (results.startup) out.push(startupSection(results.startup));
  if (results.engine) {
    out.push(
      growthSection(faceGrowths(results), results.engineParallelism ?? Number.NaN),
      `For scale: a dynamic provider process that has served nothing peaks at ${mib(results.idleProviderRssBytes ?? Number.NaN)} ` +
        "(the @pulumi/pulumi runtime itself).",
      "",
    );
    const serial = results.engine.filter((r) => r.parallel !== undefined);
    if (serial.length > 0) {
      out.push(
        engineSection(
          [
            ...results.engine.filter(
              (r) => r.parallel === undefined && serial.some((s) => s.n === r.n && s.op === r.op),
            ),
            ...serial,
          ],
          "### With `--parallel 1`, for contrast",
          "The dynamic provider's `up` and `destroy` at one N with the engine's default parallelism and with `--parallel 1`.",
          "Cinder requests",
        ),
      );
    }
    const without = results.noCheckpoints ?? [];
    if (without.length > 0) {
      const sizes = new Set(without.map((r) => r.n));
      const withThem = [...results.engine, ...(results.pluginEngine ?? [])].filter(
        (r) => r.parallel === undefined && sizes.has(r.n) && (r.op === "up" || r.op === "destroy"),
      );
      out.push(
        engineSection(
          [...withThem, ...without],
          "### Without the intermediate checkpoints, for contrast",
          "The file backend of v3.248.0 saves the whole state (every resource) at each step's begin and end " +
            "(`SnapshotManager.saveSnapshot`, pulumi/pulumi#10668): O(N) bytes per step, O(N²) per `up` or `destroy`. " +
            "The same `up` and `destroy` of each face with `PULUMI_SKIP_CHECKPOINTS=true` (only the final state is " +
            "saved), beside the default's at the same N; the targets above judge the span and the growth without them too.",
          "Cinder requests",
        ),
      );
    }
    if (results.pluginEngine) out.push(facesEngineSection(results.engine, results.pluginEngine));
  }
  if (results.retained && results.retained.length > 0) out.push(retainedSection(results.retained));
  if (results.profile) out.push(profileSection(results.profile, ms));
  if (results.tokens || results.keystoneEngine) {
    out.push(
      "## 3. Token requests with Keystone",
      "",
      "Counted at a recording proxy in front of Keystone (`POST /v3/auth/tokens`); Cinder behind Keystone, found in " +
        "the catalog. The provider runs as one process: K full creates at once (its first calls are concurrent), K " +
        "reads, one update, K deletes. The service user (`X-Service-Token`, for OSSA-2023-003 deletes) is a second " +
        "identity with its own token.",
      "",
      table(
        ["process", "operations", "token requests", "Keystone requests"],
        (results.tokens ?? []).map((t) => [
          t.label,
          String(t.operations),
          String(t.tokenRequests),
          String(t.keystoneRequests),
        ]),
      ),
      "",
    );
    if (results.keystoneEngine) {
      out.push(
        engineSection(
          results.keystoneEngine,
          "### Through the engine, with Keystone",
          "The same program with the provider configured for Keystone (`cinder:authUrl` through the proxy): " +
            "every request of the provider process to Keystone.",
          "Keystone requests",
        ),
      );
    }
  }
  if (results.peer) out.push(peerSection(results.peer, results.machine));
  return `${out
    .join("\n")
    .replace(/\n{3,}/g, "\n\n")
    .trimEnd()}\n`;
}
