/**
 * A Keystone v3 session: one token per provider process, issued on first use, reused by every
 * request, renewed shortly before it expires and once after Cinder answers 401. With a service
 * user, requests also carry `X-Service-Token` (OSSA-2023-003: Cinder then lets the caller delete
 * instance-bound, connected attachments).
 */
import { Agent as HttpAgent } from "node:http";
import type { Agent } from "node:https";
import axios, { type AxiosInstance } from "axios";
import { ProviderError } from "../../errors";
import { connectionErrorCode, describeConnectionFailure } from "../../http/connection";
import type { AuthSession } from "../session";
import { type Credentials, type Scope, authRequestBody } from "./authRequest";
import { type IssuedToken, keystoneErrorSchema, tokenBodySchema } from "./schemas";

/** Renew a token this long before Keystone says it expires. */
const EXPIRY_MARGIN_MS = 120_000;

/** Keystone refused to issue a token, or could not be reached. The message says what to fix. */
export class KeystoneAuthError extends ProviderError {
  static override readonly kind: string = "KeystoneAuthError";

  constructor(
    message: string,
    /** Keystone's HTTP status, when it answered. */
    readonly status?: number,
    /** The system error code when Keystone did not answer (`ECONNREFUSED`, a TLS failure, ...). */
    readonly code?: string,
  ) {
    super(message);
  }
}

/** Who authenticates, and as what. */
export interface Identity {
  readonly credentials: Credentials;
  readonly scope: Scope;
}

/** Settings of a {@link KeystoneSession}. */
export interface KeystoneSessionOptions {
  /** Identity API URL, e.g. `https://keystone.example.com:5000/v3` (`/v3` is added when missing). */
  readonly authUrl: string;
  readonly user: Identity;
  /** A service user whose token goes in `X-Service-Token`. */
  readonly service?: Identity;
  /** TLS settings for https (a non-keep-alive agent suits the few token requests). */
  readonly httpsAgent?: Agent;
  readonly timeoutMs?: number;
}

/** The identity API's `/v3` URL for an auth URL given with or without it. */
export function identityV3Url(authUrl: string): string {
  const trimmed = authUrl.replace(/\/+$/, "");
  return /\/v3$/.test(trimmed) ? trimmed : `${trimmed}/v3`;
}

/** Issues and keeps tokens of one identity. */
class TokenHolder {
  private current?: IssuedToken;
  private pending?: Promise<IssuedToken>;

  constructor(
    private readonly http: AxiosInstance,
    private readonly identity: Identity,
    private readonly label: string,
    private readonly stats: { tokenRequests: number },
  ) {}

  /** The current token when it is valid for at least the margin; never issues one. */
  atHand(): IssuedToken | undefined {
    return this.current && this.current.expiresAt.getTime() - Date.now() > EXPIRY_MARGIN_MS ? this.current : undefined;
  }

  /** A token valid for at least the margin; issues one when there is none or it is about to expire. */
  async valid(): Promise<IssuedToken> {
    return this.atHand() ?? this.reissue();
  }

  /** Issues a new token; concurrent callers share one request. */
  reissue(): Promise<IssuedToken> {
    if (!this.pending) {
      this.pending = this.issue().finally(() => (this.pending = undefined));
    }
    return this.pending;
  }

  private async issue(): Promise<IssuedToken> {
    this.stats.tokenRequests += 1;
    const body = authRequestBody(this.identity.credentials, this.identity.scope);
    const response = await this.http.post<unknown>("auth/tokens", body).catch((err: unknown) => {
      const code = connectionErrorCode(err);
      throw new KeystoneAuthError(
        `Keystone at ${this.http.defaults.baseURL ?? "?"} did not answer (${code}): ` +
          (describeConnectionFailure(code) ?? "check the auth URL"),
        undefined,
        code,
      );
    });
    if (response.status !== 201 && response.status !== 200) {
      throw new KeystoneAuthError(this.refusal(response.status, response.data), response.status);
    }
    const parsed = tokenBodySchema().safeParse(response.data);
    const value: unknown = response.headers["x-subject-token"];
    if (!parsed.success || typeof value !== "string") {
      throw new KeystoneAuthError(
        `Keystone's answer to ${this.label} authentication is not a v3 token response: is the auth URL the identity API's /v3?`,
      );
    }
    const token = parsed.data.token;
    this.current = {
      value,
      expiresAt: new Date(token.expires_at),
      projectId: token.project?.id,
      catalog: (token.catalog ?? []).map((service) => ({
        type: service.type,
        name: service.name ?? undefined,
        endpoints: service.endpoints.map((e) => ({
          interface: e.interface,
          region: e.region_id ?? e.region ?? undefined,
          url: e.url,
        })),
      })),
    };
    return this.current;
  }

  private refusal(status: number, data: unknown): string {
    const parsed = keystoneErrorSchema().safeParse(data);
    const said = (parsed.success ? parsed.data.error.message : `HTTP ${status}`).replace(/\.+$/, "");
    const who = this.describe();
    switch (status) {
      case 401:
        return (
          `Keystone refused the ${this.label} credentials (${who}): ${said}. Check the password or secret, ` +
          `that the user and the project exist in the domains given, and that the user has a role on the project (or system) it asks for`
        );
      case 404:
        return this.identity.credentials.method === "token"
          ? `Keystone does not recognise the ${this.label} token (${who}): ${said}. It expired, was revoked, or comes from another cloud: get a new one (openstack token issue)`
          : `Keystone found no ${this.label} user, project or domain as given (${who}): ${said}. Check the names, IDs and domains`;
      case 400:
        return `Keystone rejected the ${this.label} authentication request (${who}): ${said}. Check which settings are given (e.g. a user name needs its domain)`;
      default:
        return `Keystone failed the ${this.label} authentication (${who}): ${status} ${said}`;
    }
  }

  /** The identity without its secrets: method, user and scope. */
  private describe(): string {
    const { credentials, scope } = this.identity;
    const user =
      credentials.method === "token"
        ? "an existing token"
        : credentials.method === "applicationCredential"
          ? `application credential ${credentials.applicationCredentialId ?? credentials.applicationCredentialName ?? "?"}`
          : `user ${credentials.userId ?? credentials.username ?? "?"}${credentials.userDomainName ? ` in domain ${credentials.userDomainName}` : ""}`;
    const target =
      scope.kind === "project"
        ? `, project ${scope.projectId ?? scope.projectName ?? "?"}${scope.projectDomainName ? ` in domain ${scope.projectDomainName}` : ""}`
        : scope.kind === "system"
          ? ", system scope"
          : "";
    return `${user}${target}`;
  }
}

/** A Keystone session usable as the Cinder client's {@link AuthSession}. */
export class KeystoneSession implements AuthSession {
  /** Tokens issued by this session (user and service), for tests and benchmarks. */
  readonly stats = { tokenRequests: 0 };
  private readonly user: TokenHolder;
  private readonly service?: TokenHolder;

  constructor(options: KeystoneSessionOptions) {
    const http = axios.create({
      baseURL: `${identityV3Url(options.authUrl)}/`,
      timeout: options.timeoutMs ?? 60_000,
      validateStatus: () => true,
      // One token per process: no connection worth keeping, and Keystone behind uwsgi closes idle ones.
      httpAgent: new HttpAgent({ keepAlive: false }),
      httpsAgent: options.httpsAgent,
      proxy: false,
      headers: { "Content-Type": "application/json", Accept: "application/json" },
    });
    this.user = new TokenHolder(http, options.user, "user", this.stats);
    if (options.service) {
      this.service = new TokenHolder(http, options.service, "service", this.stats);
    }
  }

  get actsAsService(): boolean {
    return this.service !== undefined;
  }

  /** The user's current token (issued when needed): its catalog and project. */
  token(): Promise<IssuedToken> {
    return this.user.valid();
  }

  async headers(): Promise<Record<string, string>> {
    return tokenHeaders(await this.user.valid(), await this.service?.valid());
  }

  headersAtHand(): Record<string, string> {
    const user = this.user.atHand();
    const service = this.service?.atHand();
    if (!user || (this.service && !service)) return {};
    return tokenHeaders(user, service);
  }

  /** After a 401: new tokens for the user (and service). A refusal surfaces as {@link KeystoneAuthError}. */
  async renew(): Promise<boolean> {
    await Promise.all([this.user.reissue(), this.service?.reissue()]);
    return true;
  }
}

/** The request headers of a user token and, with a service user, its token. */
function tokenHeaders(user: IssuedToken, service: IssuedToken | undefined): Record<string, string> {
  const headers: Record<string, string> = { "X-Auth-Token": user.value };
  if (service) headers["X-Service-Token"] = service.value;
  return headers;
}
