/**
 * The Cinder (Block Storage v3) HTTP client: one axios instance per endpoint, authentication from an
 * {@link AuthSession}, the microversion chosen per call, and every failure mapped to a typed error.
 */
import type { Agent } from "node:https";
import axios, { type AxiosInstance, type AxiosResponse } from "axios";
import type { z } from "zod";
import type { AuthSession } from "../auth/session";
import { connectionErrorCode } from "../http/connection";
import type { HttpMethod } from "../http/method";
import {
  CinderConnectionError,
  type CinderError,
  CinderFeatureUnavailableError,
  CinderResponseShapeError,
  errorFromAnswer,
} from "./errors";
import {
  ATTACHMENTS_API,
  type Microversion,
  compareMicroversions,
  formatMicroversion,
  minMicroversion,
} from "./microversion";
import { again, repeat, settled } from "./repeat";
import { type RetryPolicy, attemptsNote, backoffMs, isRetryable, parseRetryAfter, retryPolicy } from "./retry";
import { type VolumeApiVersions, discoverVolumeApi } from "./versions";

export type { HttpMethod } from "../http/method";

/** One API call: what to send, at which microversion, and which answers count as success. */
export interface CinderRequest<T> {
  /** Name of the operation for error messages, e.g. `create attachment`. */
  readonly operation: string;
  readonly method: HttpMethod;
  /** Path relative to the endpoint, without a leading slash: `attachments/<id>`. */
  readonly path: string;
  /** The microversion to send (`OpenStack-API-Version: volume <v>`). */
  readonly microversion: Microversion;
  /** Statuses that count as success. */
  readonly okStatuses: readonly number[];
  readonly query?: Readonly<Record<string, string>>;
  readonly body?: unknown;
  /** Schema of a successful body; omitted when the body is ignored. */
  readonly schema?: z.ZodType<T>;
  /**
   * Statuses that are final for this request although the client would otherwise resend after them
   * (e.g. a DELETE whose 500 is more likely a refusal than a transient failure).
   */
  readonly finalStatuses?: readonly number[];
}

/** Settings of a {@link CinderClient}. */
export interface CinderClientOptions {
  /** Block Storage v3 endpoint, e.g. `http://127.0.0.1:8776/v3/<project_id>`. */
  readonly endpoint: string;
  readonly auth: AuthSession;
  /** Highest microversion to use even where the server offers more (to pin behaviour, or to test). */
  readonly maxMicroversion?: Microversion;
  /** Per-request timeout in milliseconds (default 60 000). */
  readonly timeoutMs?: number;
  /** Agent carrying TLS settings (CA bundle, client certificate, verification). */
  readonly httpsAgent?: Agent;
  /** When to resend GET, PUT and DELETE after no answer or a 429/500/502/503/504 (POST never); see retry.ts. */
  readonly retry?: Partial<RetryPolicy>;
}

/** Counts what a client sent, for tests and benchmarks. */
export interface RequestStats {
  requests: number;
  /** Of those, resends after a retryable failure. */
  retries?: number;
}

/** A Block Storage client. Immutable but for its memo of the server's microversions. */
export class CinderClient {
  /** Requests sent by this client (version discovery included). */
  readonly stats: RequestStats;
  /** The server's microversions, asked for on first need (see {@link negotiated}). */
  private discovery?: Promise<VolumeApiVersions>;

  private constructor(
    private readonly http: AxiosInstance,
    private readonly auth: AuthSession,
    private readonly endpoint: string,
    /** The configured cap: the highest microversion to use even where the server offers more. */
    private readonly cap: Microversion | undefined,
    stats: RequestStats,
    /** When GET, PUT and DELETE are resent. */
    readonly retry: RetryPolicy,
  ) {
    this.stats = stats;
  }

  /**
   * A client for the endpoint. Sends nothing: the server's microversions are discovered when a gate
   * first needs them ({@link negotiated}); a request the server is too old for is refused with 406,
   * which becomes a {@link CinderFeatureUnavailableError}.
   * @throws CinderFeatureUnavailableError when the configured cap is below 3.27 (no attachments API).
   */
  static async connect(options: CinderClientOptions): Promise<CinderClient> {
    const endpoint = options.endpoint.replace(/\/+$/, "");
    const cap = options.maxMicroversion;
    if (cap && compareMicroversions(cap, ATTACHMENTS_API) < 0) {
      throw attachmentsApiMissing(cap);
    }
    const http = axios.create({
      baseURL: `${endpoint}/`,
      timeout: options.timeoutMs ?? 60_000,
      httpsAgent: options.httpsAgent,
      validateStatus: () => true,
      headers: { Accept: "application/json" },
      // Keep proxies out of loopback tests and make failures deterministic.
      proxy: false,
    });
    const stats: RequestStats = { requests: 0, retries: 0 };
    return Promise.resolve(new CinderClient(http, options.auth, endpoint, cap, stats, retryPolicy(options.retry)));
  }

  /** Whether requests carry a service token or service roles (see {@link AuthSession.actsAsService}). */
  get actsAsService(): boolean {
    return this.auth.actsAsService;
  }

  /**
   * The highest microversion both sides accept: the server's (one `GET` of its version document per
   * client, the first time a gate asks), capped by maxMicroversion. A failed discovery is tried
   * again by the next caller.
   * @throws CinderFeatureUnavailableError when the server is older than 3.27 (no attachments API).
   */
  async negotiated(): Promise<Microversion> {
    if (!this.discovery) {
      this.stats.requests += 1;
      // Cinder's version document needs no token: discovery sends what is at hand, never waits for one.
      this.discovery = discoverVolumeApi(this.http, this.endpoint, this.auth.headersAtHand());
      this.discovery.catch(() => (this.discovery = undefined));
    }
    const { max } = await this.discovery;
    const capped = this.cap ? minMicroversion(max, this.cap) : max;
    if (compareMicroversions(capped, ATTACHMENTS_API) < 0) throw attachmentsApiMissing(capped);
    return capped;
  }

  /** True when the negotiated microversion reaches `required`; a cap below it decides without asking. */
  async supports(required: Microversion): Promise<boolean> {
    if (this.beyondCap(required)) return false;
    return compareMicroversions(await this.negotiated(), required) >= 0;
  }

  /**
   * Refuses, without asking the server, what the configured cap excludes; the server's own refusal of
   * a microversion (406) is the request's error.
   * @throws CinderFeatureUnavailableError naming `feature`.
   */
  requireWithinCap(feature: string, required: Microversion): void {
    if (this.cap && this.beyondCap(required)) {
      throw new CinderFeatureUnavailableError(feature, formatMicroversion(required), formatMicroversion(this.cap));
    }
  }

  /** {@link requireWithinCap}, then the server's maximum (discovered once). @throws CinderFeatureUnavailableError */
  async require(feature: string, required: Microversion): Promise<void> {
    this.requireWithinCap(feature, required);
    const negotiated = await this.negotiated();
    if (compareMicroversions(negotiated, required) < 0) {
      throw new CinderFeatureUnavailableError(feature, formatMicroversion(required), formatMicroversion(negotiated));
    }
  }

  private beyondCap(required: Microversion): boolean {
    return this.cap !== undefined && compareMicroversions(this.cap, required) < 0;
  }

  /**
   * Sends one request; renews credentials and resends once after a 401. GET, PUT and DELETE are
   * resent with backoff after no answer or a 429/500/502/503/504, within the client's {@link RetryPolicy};
   * a POST is sent exactly once.
   */
  async send<T>(request: CinderRequest<T>): Promise<T> {
    const started = Date.now();
    let attempts = 0;
    try {
      const response = await repeat<AxiosResponse<unknown>>(
        async (n) => {
          attempts = n;
          let response: AxiosResponse<unknown> | undefined;
          try {
            response = await this.authenticatedExchange(request);
          } catch (err: unknown) {
            if (!(CinderConnectionError.isInstance(err) && isRetryable(request.method, undefined))) throw err;
            return again(err);
          }
          const status = response.status;
          if (request.okStatuses.includes(status) || !isRetryable(request.method, status)) return settled(response);
          if (request.finalStatuses?.includes(status)) return settled(response);
          return again(answerError(request, response), parseRetryAfter(headerValue(response, "retry-after")));
        },
        {
          pauseMs: (retry, hintMs) => backoffMs(this.retry, retry, hintMs),
          maxAttempts: this.retry.maxAttempts,
          deadline: started + this.retry.maxElapsedMs,
          onRetry: () => (this.stats.retries = (this.stats.retries ?? 0) + 1),
        },
      );
      return this.interpret(request, response);
    } catch (err: unknown) {
      if (attempts > 1 && err instanceof Error) {
        err.message += attemptsNote(attempts, Date.now() - started);
      }
      throw err;
    }
  }

  private async authenticatedExchange<T>(request: CinderRequest<T>): Promise<AxiosResponse<unknown>> {
    const response = await this.exchange(request);
    if (response.status === 401 && (await this.auth.renew())) {
      return this.exchange(request);
    }
    return response;
  }

  /** A final answer: the parsed body, or the typed error of the status or shape. */
  private interpret<T>(request: CinderRequest<T>, response: AxiosResponse<unknown>): T {
    if (!request.okStatuses.includes(response.status)) {
      throw answerError(request, response);
    }
    if (!request.schema) {
      return undefined as T;
    }
    const parsed = request.schema.safeParse(response.data);
    if (!parsed.success) {
      throw new CinderResponseShapeError(
        request.operation,
        parsed.error.issues.map((issue) => `${issue.path.join(".") || "(body)"}: ${issue.message}`),
      );
    }
    return parsed.data;
  }

  private async exchange<T>(request: CinderRequest<T>): Promise<AxiosResponse<unknown>> {
    const headers = {
      ...(await this.auth.headers()),
      "OpenStack-API-Version": `volume ${formatMicroversion(request.microversion)}`,
    };
    this.stats.requests += 1;
    try {
      return await this.http.request<unknown>({
        method: request.method,
        url: request.path,
        params: request.query,
        data: request.body,
        headers,
      });
    } catch (err: unknown) {
      // Only the code is kept: an AxiosError holds the request config, and with it the token.
      throw new CinderConnectionError(request.method, request.path, connectionErrorCode(err));
    }
  }
}

/** The attachments API (3.27) is beyond `available`. */
function attachmentsApiMissing(available: Microversion): CinderFeatureUnavailableError {
  return new CinderFeatureUnavailableError(
    "The attachments API (attach/detach V2)",
    formatMicroversion(ATTACHMENTS_API),
    formatMicroversion(available),
  );
}

/**
 * The typed error of an answer whose status the request does not accept. A 406 is Cinder refusing
 * the request's microversion ("Version 3.54 is not supported by the API. Minimum is 3.0 and maximum
 * is 3.50."): the feature is unavailable, and the server's maximum is taken from its message.
 */
function answerError<T>(request: CinderRequest<T>, response: AxiosResponse<unknown>): CinderError {
  if (response.status === 406) {
    const maximum = /maximum is (\d+\.\d+)/i.exec(JSON.stringify(response.data ?? ""))?.[1];
    return new CinderFeatureUnavailableError(
      `Cinder's ${request.operation}`,
      formatMicroversion(request.microversion),
      maximum ?? "a lower one",
    );
  }
  return errorFromAnswer({
    method: request.method,
    path: request.path,
    expected: request.okStatuses,
    status: response.status,
    body: response.data,
    requestId: headerValue(response, "x-openstack-request-id"),
  });
}

function headerValue(response: AxiosResponse<unknown>, name: string): string | undefined {
  const value: unknown = response.headers[name];
  return typeof value === "string" ? value : undefined;
}
