/**
 * The one loop behind every retry and poll of this package: the client's resends, status waits, and
 * recovery's "until Cinder answers". An attempt either settles (a value, or a thrown error that ends
 * the loop) or asks for another try; pauses, attempt counts and a deadline bound the loop.
 */

/** What one attempt ended with. */
export type Attempt<T> =
  | { readonly done: true; readonly value: T }
  | {
      readonly done: false;
      /** Thrown when no further attempt is made. */
      readonly failure: unknown;
      /** A pause the other side asked for (`Retry-After`), in milliseconds. */
      readonly hintMs?: number;
    };

/** An attempt that settled with `value`. */
export function settled<T>(value: T): Attempt<T> {
  return { done: true, value };
}

/** An attempt to make again; `failure` is thrown if none is. */
export function again<T>(failure: unknown, hintMs?: number): Attempt<T> {
  return { done: false, failure, hintMs };
}

/** How often and how long to try. */
export interface RepeatOptions {
  /** The pause before retry number `retry` (1 for the first), in milliseconds. */
  readonly pauseMs: (retry: number, hintMs: number | undefined) => number;
  /** Attempts in all, the first included; unbounded when left out. */
  readonly maxAttempts?: number;
  /** Epoch milliseconds after which no attempt starts. */
  readonly deadline?: number;
  /**
   * How the deadline bounds a pause: `"skip"` (default) makes no retry whose pause would end past it;
   * `"shorten"` shortens the last pause so that one more attempt happens at the deadline (a wait's
   * last look).
   */
  readonly atDeadline?: "skip" | "shorten";
  /** Called before each pause (e.g. to count retries). */
  readonly onRetry?: (retry: number) => void;
}

/**
 * Runs `attempt` (numbered from 1) until it settles, pausing between tries.
 * @throws the last attempt's failure when attempts or time run out, or whatever an attempt throws.
 */
export async function repeat<T>(attempt: (n: number) => Promise<Attempt<T>>, options: RepeatOptions): Promise<T> {
  for (let n = 1; ; n += 1) {
    const result = await attempt(n);
    if (result.done) return result.value;
    if (options.maxAttempts !== undefined && n >= options.maxAttempts) throw result.failure;
    let pause = options.pauseMs(n, result.hintMs);
    if (options.deadline !== undefined) {
      const left = options.deadline - Date.now();
      if (options.atDeadline === "shorten") {
        if (left <= 0) throw result.failure;
        pause = Math.min(pause, left);
      } else if (pause > left) {
        throw result.failure;
      }
    }
    options.onRetry?.(n);
    await sleep(pause);
  }
}

/** Pauses that start at `firstMs` and grow by `factor` per retry, up to `maxMs`. */
export function growingPauses(firstMs: number, factor: number, maxMs: number): (retry: number) => number {
  return (retry) => Math.min(maxMs, firstMs * factor ** Math.max(0, retry - 1));
}

/** Resolves after `ms` milliseconds. */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
