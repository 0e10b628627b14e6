/**
 * The report's parts about the resource plugin: its cost per operation beside the dynamic provider's,
 * its start-up, and `pulumi up`/`destroy` and state size through each face; and their targets.
 */
import type { EngineRun } from "./engine";
import { ENGINE_COMMANDS } from "./minimal";
import { OP_INFO, OP_NAMES, type OperationsResult } from "./operations";
import { STARTUP_TARGET_MS, type StartupResult } from "./startup";
import { kib, median, mib, ms, quantile, ratio, seconds, table } from "./stats";

/**
 * Issue #13's target for the plugin's state per attachment, as a share of the dynamic provider's,
 * set while the dynamic provider's entries carried 10 KiB of serialized provider code; they carry a
 * one-line provider module since, so the report sets the two side by side without judging.
 */
const STATE_TARGET_BEFORE = 1 / 3;

/** The line on the two faces' state per attachment (the comparison's premise is gone: see STATE_TARGET_BEFORE). */
function stateLine(compared: { n: number; dynamic: number; plugin: number; ratio: number }): string {
  return (
    `State per attachment at N = ${compared.n}: ${kib(compared.plugin)} (plugin) against ${kib(compared.dynamic)} ` +
    `(dynamic provider), ${ratio(compared.ratio)}. Issue #13's target, the plugin's at most ` +
    `${ratio(STATE_TARGET_BEFORE)} of the dynamic provider's, was set while the dynamic provider's entries (12.8 KiB ` +
    "each) carried its serialized provider code; they carry a one-line provider module (`__provider`) since, so neither " +
    "face's state holds code and the ratio is no longer a target."
  );
}

function sameRequests(result: OperationsResult): boolean {
  return OP_NAMES.every((op) => {
    const provider = result.requests.provider[op][0]?.requests.join("; ");
    const plugin = result.requests.plugin[op][0]?.requests.join("; ");
    return provider !== undefined && provider === plugin;
  });
}

/** Part 1's comparison of the plugin with the provider methods (and the raw request). */
export function pluginOperationsSection(result: OperationsResult): string {
  if (!result.clients.includes("plugin")) return "";
  const rows = OP_NAMES.map((op) => {
    const raw = median(result.samples.raw[op]);
    const provider = median(result.samples.provider[op]);
    const plugin = median(result.samples.plugin[op]);
    const sideExtra = median(result.clientSide.plugin[op]) - median(result.clientSide.provider[op]);
    const pluginRatios = result.pairedRatios.plugin[op];
    const same =
      result.requests.plugin[op][0]?.requests.join("; ") === result.requests.provider[op][0]?.requests.join("; ");
    return [
      OP_INFO[op].label,
      ms(raw),
      `${ms(provider)} (${ratio(median(result.pairedRatios.provider[op]))})`,
      `${ms(plugin)} (${ratio(median(pluginRatios))}; IQR ${ratio(quantile(pluginRatios, 0.25))} – ${ratio(quantile(pluginRatios, 0.75))})`,
      ratio(plugin / provider),
      `${sideExtra >= 0 ? "+" : ""}${ms(sideExtra)}`,
      `${String(result.requests.plugin[op][0]?.count ?? "–")}${same ? " (= provider)" : " (≠ provider)"}`,
    ];
  });
  return [
    "### The resource plugin beside the provider methods",
    "",
    "The plugin (`pulumi-resource-cinder`, one long-lived process, as one engine run uses one) gets the calls the " +
      "engine makes for each operation over gRPC: Check + Create; Check + Diff + Update; Read; Delete, with " +
      "the SDK's own property (de)serialization on the bench's side (the engine does the same in Go). It runs the " +
      "same core as the provider methods. Times from the same interleaved timing pass as above; in brackets the " +
      "median paired ratio to the raw request. 'plugin / provider': ratio of the medians. 'gRPC extra': the " +
      "plugin's client-side cost (recorded answers) minus the provider methods', i.e. what process boundary, " +
      "gRPC and (de)serialization add per operation.",
    "",
    table(
      ["operation", "raw", "provider methods", "resource plugin", "plugin / provider", "gRPC extra", "plugin requests"],
      rows,
    ),
    "",
    `The plugin's requests ${sameRequests(result) ? "**equal** the provider's" : "**differ** from the provider's"} ` +
      "for every operation (method, path, microversion; counting pass).",
    "",
  ].join("\n");
}

/** The start-up part. */
export function startupSection(result: StartupResult): string {
  const pick = (f: (s: StartupResult["starts"][number]) => number) => result.starts.map(f);
  const row = (label: string, values: number[]) => [
    label,
    ms(median(values)),
    `${ms(quantile(values, 0.25))} – ${ms(quantile(values, 0.75))}`,
    `${ms(Math.min(...values))} – ${ms(Math.max(...values))}`,
  ];
  const floor = median(result.nodeFloorMs);
  const serving = median(pick((s) => s.configureMs));
  const loaded = result.bundle.reduce((sum, f) => sum + f.bytes, 0);
  return [
    "## Start-up of the resource plugin",
    "",
    `${result.starts.length} starts of \`dist/plugin/pulumi-resource-cinder/pulumi-resource-cinder\` (the launcher: ` +
      "`exec node pulumi-resource-cinder.cjs`), each after one start not recorded, interleaved with `node -e 0`. " +
      "Times from the spawn: to the port printed on stdout, to the answer of the first GetPluginInfo (a new gRPC " +
      "connection), and to the answer of the first Configure (which loads the core, noauth settings). RSS: the " +
      "process's VmRSS (VmHWM) right after Configure.",
    "",
    table(
      ["from exec to", "median", "IQR", "min – max"],
      [
        row("`node -e 0` exits (the floor)", result.nodeFloorMs),
        row(
          "port printed",
          pick((s) => s.portMs),
        ),
        row(
          "GetPluginInfo answered",
          pick((s) => s.pluginInfoMs),
        ),
        row(
          "Configure answered (serving)",
          pick((s) => s.configureMs),
        ),
      ],
    ),
    "",
    `Target: serving within ${STARTUP_TARGET_MS} ms: **${serving <= STARTUP_TARGET_MS ? "met" : "missed"}** ` +
      `(${ms(serving)}; ${ms(serving - floor)} above the \`node -e 0\` floor). RSS after Configure: ` +
      `${mib(median(pick((s) => s.rssBytes)))} (peak ${mib(median(pick((s) => s.hwmBytes)))}). ` +
      `The plugin folder, read at every start: ${result.bundle.length} files, ${kib(loaded)} ` +
      `(${result.bundle.map((f) => `${f.file} ${kib(f.bytes)}`).join(", ")}); the bundle is compiled with V8's code ` +
      "cache the build wrote (`bundle.cjs.cache`), its modules evaluated when first imported (the core on Configure).",
    "",
  ].join("\n");
}

/** Median of the runs' values at (op, n) without `--parallel`. */
function at(runs: readonly EngineRun[], op: string, n: number, pick: (r: EngineRun) => number | undefined): number {
  const values = runs
    .filter((r) => r.op === op && r.n === n && r.parallel === undefined)
    .map(pick)
    .filter((v): v is number => v !== undefined && Number.isFinite(v));
  return values.length > 0 ? median(values) : Number.NaN;
}

/** The largest N both faces ran, for the state comparison. */
function stateN(dynamic: readonly EngineRun[], plugin: readonly EngineRun[]): number | undefined {
  const ns = plugin.filter((r) => r.state && dynamic.some((d) => d.n === r.n && d.state)).map((r) => r.n);
  return ns.length > 0 ? Math.max(...ns) : undefined;
}

/** The state per attachment of each face at `n`, and their ratio. */
export function stateComparison(
  dynamic: readonly EngineRun[],
  plugin: readonly EngineRun[],
): { n: number; dynamic: number; plugin: number; ratio: number } | undefined {
  const n = stateN(dynamic, plugin);
  if (n === undefined) return undefined;
  const d = at(dynamic, "up", n, (r) => r.state?.perAttachmentBytes);
  const p = at(plugin, "up", n, (r) => r.state?.perAttachmentBytes);
  return { n, dynamic: d, plugin: p, ratio: p / d };
}

/** Part 2's side-by-side of the two faces: wall time, requests, state per attachment. */
export function facesEngineSection(dynamic: readonly EngineRun[], plugin: readonly EngineRun[]): string {
  const sizes = [...new Set(plugin.map((r) => r.n))].sort((a, b) => a - b);
  const rows: string[][] = [];
  for (const n of sizes) {
    for (const op of ENGINE_COMMANDS) {
      const d = at(dynamic, op, n, (r) => r.wallMs);
      const p = at(plugin, op, n, (r) => r.wallMs);
      const requests = (runs: readonly EngineRun[]) =>
        [
          ...new Set(runs.filter((r) => r.op === op && r.n === n && r.parallel === undefined).map((r) => r.requests)),
        ].join("/") || "–";
      const rss = (runs: readonly EngineRun[]) => mib(at(runs, op, n, (r) => r.peakRssBytes || undefined));
      const state = (runs: readonly EngineRun[]) =>
        op === "up" ? kib(at(runs, op, n, (r) => r.state?.perAttachmentBytes)) : "–";
      rows.push([
        `${op} N=${n}`,
        seconds(d),
        seconds(p),
        Number.isFinite(d) && Number.isFinite(p) ? ratio(p / d) : "–",
        `${requests(dynamic)} / ${requests(plugin)}`,
        `${rss(dynamic)} / ${rss(plugin)}`,
        `${state(dynamic)} / ${state(plugin)}`,
      ]);
    }
  }
  const compared = stateComparison(dynamic, plugin);
  const whole = (runs: readonly EngineRun[], n: number) =>
    kib(at(runs, "up", n, (r) => r.state?.deploymentPerAttachmentBytes));
  return [
    "### Through the resource plugin (Pulumi YAML) beside the dynamic provider (TypeScript)",
    "",
    "The same N attachments (same volumes, same connectors) from a Pulumi YAML program (`runtime: yaml`, " +
      "`plugins.providers` pointing at `dist/plugin/pulumi-resource-cinder`, N `cinder:index:VolumeAttachment`s), " +
      "a local program of the Automation API in the stack's work dir, rewritten for each N, against the inline " +
      "TypeScript program of the dynamic provider above; run after it, on the same noauth Cinder behind the " +
      "recording proxy. Wall time: the Automation API's commands (`up` with `--skip-preview`), medians. " +
      "Peak RSS: the provider process (the `dynamic-provider` node process, or the plugin's node process). " +
      "State: the attachments' entries in `pulumi stack export` after `up` (compact JSON), per attachment; the " +
      "dynamic provider's entries also carry its provider module (`__provider`, one line) in inputs and outputs.",
    "",
    table(
      [
        "run",
        "dynamic provider wall",
        "plugin wall",
        "plugin / dynamic",
        "Cinder requests (dynamic / plugin)",
        "provider peak RSS (dynamic / plugin)",
        "state per attachment (dynamic / plugin)",
      ],
      rows,
    ),
    "",
    compared
      ? `${stateLine(compared)} The whole deployment divided by N: ` +
        `${whole(plugin, compared.n)} (plugin) against ${whole(dynamic, compared.n)} (dynamic provider).`
      : "No state to compare (no `up` of both faces at the same N).",
    "",
  ].join("\n");
}

/** Lines for the report's targets. */
export function pluginTargets(
  operations: OperationsResult | undefined,
  startup: StartupResult | undefined,
  dynamic: readonly EngineRun[] | undefined,
  plugin: readonly EngineRun[] | undefined,
): string[] {
  const out: string[] = [];
  if (operations?.clients.includes("plugin")) {
    out.push(
      `- Resource plugin requests equal the provider's for every operation: **${sameRequests(operations) ? "met" : "missed"}**` +
        ` (plus one version discovery per plugin process: ${operations.setup.plugin.requests.join("; ") || "none"}); ` +
        `its time per operation against raw (median paired ratio): ` +
        `${OP_NAMES.map((op) => `${op} ${ratio(median(operations.pairedRatios.plugin[op]))}`).join(", ")}.`,
    );
  }
  if (startup) {
    const serving = median(startup.starts.map((s) => s.configureMs));
    out.push(
      `- Plugin start-up to serving (exec to the first Configure answered) within ${STARTUP_TARGET_MS} ms: ` +
        `**${serving <= STARTUP_TARGET_MS ? "met" : "missed"}** (${ms(serving)}, median of ${startup.starts.length}; ` +
        `\`node -e 0\`: ${ms(median(startup.nodeFloorMs))}).`,
    );
  }
  const compared = dynamic && plugin ? stateComparison(dynamic, plugin) : undefined;
  if (compared) {
    out.push(`- ${stateLine(compared)}`);
  }
  return out;
}
