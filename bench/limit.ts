/**
 * The limit beside the engine's runs: the same N full creates + completes, then N reads, then N
 * deletes, sent as raw HTTP (bench/raw.ts: node:http, keep-alive) at the engine's parallelism,
 * through the same recording proxy to the same Cinder, right after the engine's cycle of that N.
 */
import { availableParallelism } from "node:os";
import { performance } from "node:perf_hooks";
import type { CinderProxy } from "../test/support/proxy";
import { benchConnector } from "./pluginEngine";
import { RawCinder, type WireConnector } from "./raw";
import { mapLimit } from "./stats";
import type { Traffic } from "./traffic";

/** One phase of a raw run (creates + completes, reads, or deletes), as the proxy saw it. */
export interface LimitPhase {
  /** Wall time of the phase in the bench process. */
  readonly wallMs: number;
  /** First request's arrival to the last answer, at the proxy. */
  readonly spanMs: number;
  readonly requests: number;
  readonly maxInFlight: number;
}

/** The raw run of one N. */
export interface LimitRun {
  readonly n: number;
  /** Requests in flight at most (the engine's default parallelism). */
  readonly concurrency: number;
  readonly up: LimitPhase;
  readonly refresh: LimitPhase;
  readonly destroy: LimitPhase;
}

/**
 * The engine's default parallelism in v3.248.0 (`defaultParallel()` in cmd/pulumi/operations/up.go):
 * `PULUMI_PARALLEL` when set above 0, else GOMAXPROCS × 4, GOMAXPROCS being the CPUs the process may
 * use (as `os.availableParallelism()` counts them).
 */
export function engineParallelism(): number {
  const fromEnv = Number(process.env["PULUMI_PARALLEL"] ?? "");
  return Number.isInteger(fromEnv) && fromEnv > 0 ? fromEnv : availableParallelism() * 4;
}

function wire(i: number): WireConnector {
  return { ...benchConnector(i), platform: "x86_64", os_type: "linux2", multipath: false };
}

/**
 * Runs the raw creates + completes (each attachment's complete right after its create, as the
 * provider does), reads and deletes of the first `n` volumes at `concurrency`, through `proxy`
 * (endpoint `<proxy>/v3`, noauth token `token`), measuring each phase with `traffic`.
 */
export async function runLimit(
  proxy: CinderProxy,
  traffic: Traffic,
  token: string,
  volumes: readonly string[],
  n: number,
  concurrency: number,
): Promise<LimitRun> {
  const raw = new RawCinder(`${proxy.url}/v3`, token);
  const indexes = Array.from({ length: n }, (_, i) => i);
  const ids: string[] = new Array<string>(n);
  const phase = async (work: (i: number) => Promise<void>): Promise<LimitPhase> => {
    const mark = proxy.exchanges.length;
    traffic.begin();
    const started = performance.now();
    await mapLimit(indexes, concurrency, work);
    const wallMs = performance.now() - started;
    await proxy.idle();
    return {
      wallMs,
      spanMs: traffic.spanMs,
      requests: proxy.exchanges.length - mark,
      maxInFlight: traffic.maxInFlight,
    };
  };
  try {
    const up = await phase(async (i) => {
      const id = await raw.create(volumes[i] as string, wire(i));
      ids[i] = id;
      await raw.complete(id);
    });
    const refresh = await phase((i) => raw.read(ids[i] as string));
    const destroy = await phase((i) => raw.delete(ids[i] as string));
    return { n, concurrency, up, refresh, destroy };
  } finally {
    raw.close();
  }
}
