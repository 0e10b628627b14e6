/**
 * When requests arrive at the recording proxy and when their answers leave it, during one measured
 * command: most requests in flight at once, and the span from the first request to the last answer.
 */
import { performance } from "node:perf_hooks";
import type { CinderProxy, Exchange } from "../test/support/proxy";

/** Arrivals and answers at the proxy during one measured span. */
export class Traffic {
  private proxy?: CinderProxy;
  private arrivals = 0;
  private doneAtStart = 0;
  private started = 0;
  /** Most requests in flight at once. */
  maxInFlight = 0;
  /** When the first and the last request arrived, after {@link begin} (ms; NaN before any). */
  firstArrivalMs = Number.NaN;
  lastArrivalMs = Number.NaN;
  /** When the last answer was complete at the proxy, after {@link begin} (ms; NaN before any). */
  lastAnswerMs = Number.NaN;

  /**
   * Follows `proxy`'s answers. The proxy appends each exchange to its `exchanges` once Cinder's
   * answer is complete; that append is the moment taken as the answer's.
   */
  watch(proxy: CinderProxy): void {
    this.proxy = proxy;
    const exchanges = proxy.exchanges;
    const append = exchanges.push.bind(exchanges);
    exchanges.push = (...items: Exchange[]): number => {
      this.lastAnswerMs = performance.now() - this.started;
      return append(...items);
    };
  }

  /** Starts a span: the counters start from zero. */
  begin(): void {
    this.arrivals = 0;
    this.maxInFlight = 0;
    this.firstArrivalMs = Number.NaN;
    this.lastArrivalMs = Number.NaN;
    this.lastAnswerMs = Number.NaN;
    this.doneAtStart = this.proxy?.exchanges.length ?? 0;
    this.started = performance.now();
  }

  /** The proxy's hook: one request arrived. */
  arrived(): void {
    this.arrivals += 1;
    this.lastArrivalMs = performance.now() - this.started;
    if (Number.isNaN(this.firstArrivalMs)) this.firstArrivalMs = this.lastArrivalMs;
    const done = (this.proxy?.exchanges.length ?? 0) - this.doneAtStart;
    this.maxInFlight = Math.max(this.maxInFlight, this.arrivals - done);
  }

  /** From the first request's arrival to the last answer (ms; NaN without requests). */
  get spanMs(): number {
    return this.lastAnswerMs - this.firstArrivalMs;
  }
}
