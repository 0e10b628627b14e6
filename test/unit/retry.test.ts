/**
 * Retries of the Cinder client: which requests are sent again, after what, how often and how long,
 * against the fake Cinder (which counts what it receives), with the proxy in front for failures the
 * fake cannot produce (resets, timeouts, Retry-After).
 */
import { noAuthSession } from "../../provider/src/auth/noauth";
import { CinderClient } from "../../provider/src/cinder/client";
import {
  CinderBadRequestError,
  CinderConnectionError,
  CinderNotFoundError,
  CinderServerError,
} from "../../provider/src/cinder/errors";
import {
  completeAttachment,
  createAttachment,
  deleteAttachment,
  getAttachment,
  updateAttachment,
} from "../../provider/src/cinder/attachments";
import {
  DEFAULT_RETRY_POLICY,
  type RetryPolicy,
  backoffMs,
  isRetryable,
  parseRetryAfter,
  retryPolicy,
} from "../../provider/src/cinder/retry";
import { FakeCinderPerTest, type Route } from "../support/fakeCinder";
import type { Fault } from "../support/proxy";

const ID = "00000000-0000-4000-8000-000000000004";
const VOLUME = "00000000-0000-4000-8000-000000000002";
const CONNECTOR = { initiator: "iqn.1993-08.org.debian:01:retry", ip: "127.0.0.1", host: "retry-host" };
const FAST: Partial<RetryPolicy> = { baseDelayMs: 5, maxDelayMs: 20 };

const fault = (status: number) => ({ status, body: { fault: { message: `injected ${status}`, code: status } } });

const fakes = new FakeCinderPerTest();
afterEach(() => jest.restoreAllMocks());

/** A client of a fake that answers `routes`, optionally through a proxy applying `faults` in turn. */
async function client(
  routes: Route[],
  options: { retry?: Partial<RetryPolicy>; faults?: Fault[]; timeoutMs?: number } = {},
): Promise<CinderClient> {
  let endpoint = (await fakes.start(routes)).endpoint;
  if (options.faults) {
    const queue = [...options.faults];
    const proxy = await fakes.proxy((_method, path) =>
      path === "/" ? { kind: "forward" } : (queue.shift() ?? { kind: "forward" }),
    );
    endpoint = `${proxy.url}/v3`;
  }
  return CinderClient.connect({
    endpoint,
    auth: noAuthSession({ userId: "admin", projectId: "admin" }),
    retry: { ...FAST, ...options.retry },
    timeoutMs: options.timeoutMs,
  });
}

const sent = () => fakes.apiRequests().map((r) => `${r.method} ${r.url}`);

describe("what is retried", () => {
  test.each([429, 500, 502, 503, 504])("GET answered %i is sent again until answered", async (status) => {
    const c = await client([
      { method: "GET", path: `/v3/attachments/${ID}`, reply: [fault(status), fault(status), "attachment-show.200"] },
    ]);
    await expect(getAttachment(c, ID)).resolves.toMatchObject({ status: "attached" });
    expect(sent()).toEqual(Array(3).fill(`GET /v3/attachments/${ID}`));
    expect(c.stats.retries).toBe(2);
  });

  test("PUT (attachment-update) after a 503 is sent again with the very same connector", async () => {
    const c = await client([
      { method: "PUT", path: `/v3/attachments/${ID}`, reply: [fault(503), "attachment-update.200"] },
    ]);
    await updateAttachment(c, ID, CONNECTOR);
    const puts = fakes.apiRequests();
    expect(puts).toHaveLength(2);
    expect(puts[1]?.body).toEqual(puts[0]?.body);
  });

  test("DELETE after a 502 is sent again; a 404 on the resend (the first one acted) is reported as 404", async () => {
    const c = await client([
      { method: "DELETE", path: `/v3/attachments/${ID}`, reply: [fault(502), "attachment-show.404"] },
    ]);
    const failure = await deleteAttachment(c, ID).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(CinderNotFoundError);
    expect(sent()).toHaveLength(2);
  });

  test("a connection reset before any answer: GET is sent again", async () => {
    const c = await client([{ method: "GET", path: `/v3/attachments/${ID}`, reply: "attachment-show.200" }], {
      faults: [{ kind: "reset" }, { kind: "reset" }],
    });
    await expect(getAttachment(c, ID)).resolves.toMatchObject({ status: "attached" });
    expect(fakes.proxied?.exchanges.filter((e) => e.path !== "/")).toHaveLength(1);
    expect(c.stats.retries).toBe(2);
  });

  test("a GET that times out is sent again", async () => {
    const c = await client([{ method: "GET", path: `/v3/attachments/${ID}`, reply: "attachment-show.200" }], {
      faults: [{ kind: "delay-response", ms: 400 }],
      timeoutMs: 150,
    });
    await expect(getAttachment(c, ID)).resolves.toMatchObject({ status: "attached" });
    expect(sent()).toHaveLength(2);
  });
});

describe("what is never retried", () => {
  test.each([429, 500, 502, 503, 504])(
    "a POST (attachment-create) answered %i is sent exactly once",
    async (status) => {
      const c = await client([{ method: "POST", path: "/v3/attachments", reply: fault(status) }]);
      const failure = await createAttachment(c, { volumeId: VOLUME, connector: CONNECTOR }).catch((e: unknown) => e);
      expect(failure).toMatchObject({ status });
      expect(sent()).toEqual(["POST /v3/attachments"]);
      expect(c.stats.retries).toBe(0);
    },
  );

  test("a POST whose connection is reset is sent exactly once, and fails as a connection error", async () => {
    const c = await client([{ method: "POST", path: "/v3/attachments", reply: "attachment-create-reserve.200" }], {
      faults: [{ kind: "reset" }],
    });
    const failure = createAttachment(c, { volumeId: VOLUME, instanceUuid: VOLUME });
    await expect(failure).rejects.toBeInstanceOf(CinderConnectionError);
    await expect(failure).rejects.toMatchObject({ code: "ECONNRESET" });
    expect(fakes.proxied?.exchanges.filter((e) => e.path !== "/")).toEqual([]);
  });

  test("a POST that times out after Cinder acted is not sent again (its outcome is the caller's to find out)", async () => {
    const c = await client([{ method: "POST", path: "/v3/attachments", reply: "attachment-create-reserve.200" }], {
      faults: [{ kind: "delay-response", ms: 400 }],
      timeoutMs: 150,
    });
    await expect(createAttachment(c, { volumeId: VOLUME, instanceUuid: VOLUME })).rejects.toMatchObject({
      code: "ECONNABORTED",
    });
    await fakes.proxied?.idle();
    expect(sent()).toEqual(["POST /v3/attachments"]);
  });

  test("os-complete (a POST action) answered 503 is sent once", async () => {
    const c = await client([{ method: "POST", path: `/v3/attachments/${ID}/action`, reply: fault(503) }]);
    await expect(completeAttachment(c, ID)).rejects.toBeInstanceOf(CinderServerError);
    expect(sent()).toHaveLength(1);
  });

  test("a 4xx is Cinder's final word, even on GET and DELETE", async () => {
    const c = await client([
      { method: "GET", path: `/v3/attachments/${ID}`, reply: fault(409) },
      { method: "DELETE", path: `/v3/attachments/${ID}`, reply: fault(400) },
    ]);
    await expect(getAttachment(c, ID)).rejects.toMatchObject({ status: 409 });
    await expect(deleteAttachment(c, ID)).rejects.toBeInstanceOf(CinderBadRequestError);
    expect(sent()).toHaveLength(2);
  });

  test("DELETE answered 500 (Cinder's transient 'database is locked') is sent again", async () => {
    const locked = fault(500);
    const c = await client([
      { method: "DELETE", path: `/v3/attachments/${ID}`, reply: [locked, { status: 200, body: { attachments: [] } }] },
    ]);
    await expect(deleteAttachment(c, ID)).resolves.toBeUndefined();
    expect(sent()).toHaveLength(2);
  });
});

describe("bounds", () => {
  test("attempts are bounded: a GET always answered 503 is sent maxAttempts times, and the error says so", async () => {
    const c = await client([{ method: "GET", path: `/v3/attachments/${ID}`, reply: fault(503) }], {
      retry: { maxAttempts: 3 },
    });
    const failure = getAttachment(c, ID);
    await expect(failure).rejects.toBeInstanceOf(CinderServerError);
    await expect(failure).rejects.toThrow(/got 503.*\(sent 3 times over \d+\.\d s\)$/);
    expect(sent()).toHaveLength(3);
  });

  test("maxAttempts 1 turns retries off", async () => {
    const c = await client([{ method: "GET", path: `/v3/attachments/${ID}`, reply: fault(503) }], {
      retry: { maxAttempts: 1 },
    });
    await expect(getAttachment(c, ID)).rejects.toBeInstanceOf(CinderServerError);
    expect(sent()).toHaveLength(1);
  });

  test("total time is bounded: no retry starts whose backoff would end past maxElapsedMs", async () => {
    jest.spyOn(Math, "random").mockReturnValue(0.99);
    const c = await client([{ method: "GET", path: `/v3/attachments/${ID}`, reply: fault(503) }], {
      retry: { maxAttempts: 10, baseDelayMs: 100, maxDelayMs: 10_000, maxElapsedMs: 250 },
    });
    const started = Date.now();
    await expect(getAttachment(c, ID)).rejects.toBeInstanceOf(CinderServerError);
    // backoffs 99 and 198 ms: the second would end past 250 ms, so two requests in all.
    expect(sent()).toHaveLength(2);
    expect(Date.now() - started).toBeLessThan(250);
  });

  test("a server's Retry-After is waited out (within maxDelayMs)", async () => {
    jest.spyOn(Math, "random").mockReturnValue(0);
    const c = await client([{ method: "GET", path: `/v3/attachments/${ID}`, reply: "attachment-show.200" }], {
      faults: [{ kind: "respond", status: 429, headers: { "Retry-After": "0.3" } }],
      retry: { maxDelayMs: 1_000 },
    });
    const started = Date.now();
    await getAttachment(c, ID);
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
  });
});

describe("the policy", () => {
  test("defaults: 4 attempts, backoff from 250 ms doubling, 5 s cap, 30 s per call", () => {
    expect(DEFAULT_RETRY_POLICY).toEqual({ maxAttempts: 4, baseDelayMs: 250, maxDelayMs: 5_000, maxElapsedMs: 30_000 });
    expect(retryPolicy()).toEqual(DEFAULT_RETRY_POLICY);
    expect(retryPolicy({ maxAttempts: 2, baseDelayMs: undefined })).toMatchObject({ maxAttempts: 2, baseDelayMs: 250 });
  });

  test("out-of-range settings are refused with their name", () => {
    expect(() => retryPolicy({ maxAttempts: 0 })).toThrow(/maxAttempts/);
    expect(() => retryPolicy({ maxAttempts: 1.5 })).toThrow(/maxAttempts/);
    expect(() => retryPolicy({ baseDelayMs: -1 })).toThrow(/baseDelayMs/);
    expect(() => retryPolicy({ maxElapsedMs: Number.NaN })).toThrow(/maxElapsedMs/);
  });

  test("full jitter: each backoff is drawn from [0, min(cap, base * 2^(n-1))]", () => {
    const policy = retryPolicy({ baseDelayMs: 100, maxDelayMs: 1_000 });
    expect([1, 2, 3, 4, 5].map((n) => backoffMs(policy, n, undefined, () => 0.999))).toEqual([99, 199, 399, 799, 999]);
    expect([1, 2, 3].map((n) => backoffMs(policy, n, undefined, () => 0))).toEqual([0, 0, 0]);
    const draws = Array.from({ length: 200 }, () => backoffMs(policy, 3));
    expect(Math.min(...draws)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...draws)).toBeLessThan(400);
    expect(new Set(draws).size).toBeGreaterThan(20);
  });

  test("Retry-After: seconds or an HTTP date; it raises the draw, capped by maxDelayMs", () => {
    const now = Date.parse("2026-01-01T00:00:00Z");
    expect(parseRetryAfter("2", now)).toBe(2_000);
    expect(parseRetryAfter("Thu, 01 Jan 2026 00:00:03 GMT", now)).toBe(3_000);
    expect(parseRetryAfter("soon", now)).toBeUndefined();
    expect(parseRetryAfter(undefined, now)).toBeUndefined();
    const policy = retryPolicy({ baseDelayMs: 100, maxDelayMs: 1_000 });
    expect(backoffMs(policy, 1, 600, () => 0)).toBe(600);
    expect(backoffMs(policy, 1, 60_000, () => 0)).toBe(1_000);
  });

  test.each<[string, number | undefined, boolean]>([
    ["GET", undefined, true],
    ["PUT", 503, true],
    ["DELETE", 429, true],
    ["GET", 500, true],
    ["GET", 409, false],
    ["GET", 404, false],
    ["POST", undefined, false],
    ["POST", 503, false],
  ])("isRetryable(%s, %s) is %s", (method, status, expected) => {
    expect(isRetryable(method as "GET", status)).toBe(expected);
  });
});
