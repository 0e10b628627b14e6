/**
 * When and how long the client retries. Only requests whose repetition cannot do anything twice are
 * retried: GET, PUT (attachment-update with the same connector converges on the same state) and
 * DELETE (a second delete finds nothing, 404). A POST is never resent by the client: after a POST
 * whose outcome is unknown the caller has to find out what happened (see volumeAttachment/recovery/create.ts).
 *
 * Retried failures: no connection or no answer (refused, reset, timed out), the statuses that say
 * "not now" (429, 502, 503, 504), and 500: Cinder answers 500 for transient failures of its own too
 * (a locked or deadlocked database, a lost RPC reply), and for a request that does nothing twice
 * another try costs little. A 4xx is final.
 */
import type { HttpMethod } from "../http/method";
import { CinderConnectionError, isCinderStatus } from "./errors";
import { again, growingPauses, repeat, settled } from "./repeat";

export { sleep } from "./repeat";

/** How a client retries; every field has a default ({@link DEFAULT_RETRY_POLICY}). */
export interface RetryPolicy {
  /** Attempts in all, the first one included; 1 turns retries off. */
  readonly maxAttempts: number;
  /** Upper bound of the first backoff in milliseconds; it doubles with each retry. */
  readonly baseDelayMs: number;
  /** Upper bound of any one backoff in milliseconds (also caps a server's `Retry-After`). */
  readonly maxDelayMs: number;
  /**
   * Time budget of one call, all attempts and backoffs included, in milliseconds: no retry starts
   * when its backoff would end past it.
   */
  readonly maxElapsedMs: number;
}

/** Four attempts, backoffs drawn from [0, 0.25 s], [0, 0.5 s], [0, 1 s], at most 30 s per call. */
export const DEFAULT_RETRY_POLICY: RetryPolicy = Object.freeze({
  maxAttempts: 4,
  baseDelayMs: 250,
  maxDelayMs: 5_000,
  maxElapsedMs: 30_000,
});

/** Statuses worth another try: rate limited, a gateway without an answer from Cinder, Cinder's own failure. */
export const RETRYABLE_STATUSES: readonly number[] = Object.freeze([429, 500, 502, 503, 504]);

/** Methods the client may resend: they do nothing twice. */
export const RETRYABLE_METHODS: readonly HttpMethod[] = Object.freeze(["GET", "PUT", "DELETE"] as HttpMethod[]);

/**
 * A policy from partial settings: missing fields take their default, and values out of range are
 * refused rather than silently fixed.
 * @throws RangeError naming the field.
 */
export function retryPolicy(settings: Partial<RetryPolicy> = {}): RetryPolicy {
  const policy = { ...DEFAULT_RETRY_POLICY, ...withoutUndefined(settings) };
  if (!Number.isInteger(policy.maxAttempts) || policy.maxAttempts < 1) {
    throw new RangeError(`retry maxAttempts must be a whole number of at least 1, got ${policy.maxAttempts}`);
  }
  for (const field of ["baseDelayMs", "maxDelayMs", "maxElapsedMs"] as const) {
    const value = policy[field];
    if (!Number.isFinite(value) || value < 0) {
      throw new RangeError(`retry ${field} must be a number of milliseconds, 0 or more, got ${value}`);
    }
  }
  return Object.freeze(policy);
}

/** True when `method` may be resent after `status` (or, with `status` undefined, after no answer). */
export function isRetryable(method: HttpMethod, status: number | undefined): boolean {
  if (!RETRYABLE_METHODS.includes(method)) return false;
  return status === undefined || RETRYABLE_STATUSES.includes(status);
}

/**
 * The backoff before retry number `retry` (1 for the first retry): "full jitter", a uniform draw
 * from [0, min(maxDelayMs, baseDelayMs * 2^(retry-1))], so that clients that failed together do not
 * come back together. A server's `Retry-After` raises the draw to at least what it asked, within
 * maxDelayMs.
 */
export function backoffMs(
  policy: RetryPolicy,
  retry: number,
  retryAfterMs: number | undefined = undefined,
  random: () => number = Math.random,
): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.max(0, retry - 1));
  const drawn = Math.floor(random() * ceiling);
  return retryAfterMs === undefined ? drawn : Math.min(policy.maxDelayMs, Math.max(drawn, retryAfterMs));
}

/** A `Retry-After` header (seconds, or an HTTP date) in milliseconds from `now`; undefined when absent or unreadable. */
export function parseRetryAfter(value: unknown, now: number = Date.now()): number | undefined {
  if (typeof value !== "string" || value.trim() === "") return undefined;
  const text = value.trim();
  if (/^\d+(\.\d+)?$/.test(text)) return Math.round(Number(text) * 1000);
  const date = Date.parse(text);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/** What the client says about a call that was sent more than once: appended to the final error's message. */
export function attemptsNote(attempts: number, elapsedMs: number): string {
  return ` (sent ${attempts} times over ${(elapsedMs / 1000).toFixed(1)} s)`;
}

/** True when Cinder did not answer at all, or a gateway answered for it (429, 502, 503, 504). */
export function isUnanswered(err: unknown): boolean {
  return CinderConnectionError.isInstance(err) || isCinderStatus(err, 429, 502, 503, 504);
}

/**
 * Runs `call`, a request that is safe to repeat, until Cinder answers it, pausing `firstPauseMs`
 * and then twice as long each time (2 s at most), until `deadline`: recovery has to outlast a
 * restart of cinder-api. Any answer, errors included, ends it.
 */
export function untilAnswered<T>(call: () => Promise<T>, deadline: number, firstPauseMs: number): Promise<T> {
  return repeat(
    async () => {
      try {
        return settled(await call());
      } catch (err) {
        if (!isUnanswered(err)) throw err;
        return again<T>(err);
      }
    },
    { pauseMs: growingPauses(firstPauseMs, 2, 2_000), deadline },
  );
}

function withoutUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
