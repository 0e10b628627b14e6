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
  type CinderApiError,
  CinderConnectionError,
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
import { discoverVolumeApi } from "./versions";

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

/** A connected Block Storage client. Immutable: the microversion is an argument of each call. */
export class CinderClient {
  /** Requests sent by this client (version discovery included). */
  readonly stats: RequestStats;

  private constructor(
    private readonly http: AxiosInstance,
    private readonly auth: AuthSession,
    /** The highest microversion both sides accept. */
    readonly maxMicroversion: Microversion,
    stats: RequestStats,
    /** When GET, PUT and DELETE are resent. */
    readonly retry: RetryPolicy,
  ) {
    this.stats = stats;
  }

  /**
   * Discovers the server's microversions and returns a client for the endpoint.
   * @throws CinderFeatureUnavailableError when the server is older than 3.27 (no attachments API).
   */
  static async connect(options: CinderClientOptions): Promise<CinderClient> {
    const endpoint = options.endpoint.replace(/\/+$/, "");
    const http = axios.create({
      baseURL: `${endpoint}/`,
      timeout: options.timeoutMs ?? 60_000,
      httpsAgent: options.httpsAgent,
      validateStatus: () => true,
      headers: { Accept: "application/json" },
      // Keep proxies out of loopback tests and make failures deterministic.
      proxy: false,
    });
    const retry = retryPolicy(options.retry);
    const stats: RequestStats = { requests: 0, retries: 0 };
    stats.requests += 1;
    // Cinder's version document needs no token: discovery sends what is at hand, never waits for one.
    const api = await discoverVolumeApi(http, endpoint, options.auth.headersAtHand());
    const max = options.maxMicroversion ? minMicroversion(api.max, options.maxMicroversion) : api.max;
    if (compareMicroversions(max, ATTACHMENTS_API) < 0) {
      throw new CinderFeatureUnavailableError(
        "The attachments API (attach/detach V2)",
        formatMicroversion(ATTACHMENTS_API),
        formatMicroversion(max),
      );
    }
    return new CinderClient(http, options.auth, max, stats, retry);
  }

  /** Whether requests carry a service token or service roles (see {@link AuthSession.actsAsService}). */
  get actsAsService(): boolean {
    return this.auth.actsAsService;
  }

  /** True when the negotiated microversion reaches `required`. */
  supports(required: Microversion): boolean {
    return compareMicroversions(this.maxMicroversion, required) >= 0;
  }

  /** @throws CinderFeatureUnavailableError naming `feature` when {@link supports} is false. */
  require(feature: string, required: Microversion): void {
    if (!this.supports(required)) {
      throw new CinderFeatureUnavailableError(
        feature,
        formatMicroversion(required),
        formatMicroversion(this.maxMicroversion),
      );
    }
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

/** The typed error of an answer whose status the request does not accept. */
function answerError<T>(request: CinderRequest<T>, response: AxiosResponse<unknown>): CinderApiError {
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
