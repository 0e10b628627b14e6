/**
 * Where the provider finds Cinder and how it authenticates. Sources, highest first:
 * 1. Pulumi stack config under `cinder:` (read in the provider's `configure`; set secrets with
 *    `pulumi config set --secret cinder:password ...`);
 * 2. the clouds.yaml (+ secure.yaml) cloud named by `cinder:cloud` or `OS_CLOUD`;
 * 3. when no cloud is named, the `OS_*` variables (and the cinder CLI's noauth ones).
 * Read in the provider's process, never at module scope, so no credential is captured into the
 * serialized provider or the state.
 */
import { z } from "zod";
import type { Credentials, Scope } from "../keystone/authRequest";
import type { EndpointInterface } from "../keystone/catalog";
import type { Identity } from "../keystone/session";
import { type Microversion, microversion } from "../cinder/microversion";
import type { RetryPolicy } from "../cinder/retry";
import { cloudValue, loadCloud } from "./cloudsYaml";

/** Looks up one setting by its stack config key (without the `cinder:` prefix). */
export type ConfigLookup = (key: string) => string | undefined;

/** Authentication against a Cinder running with `auth_strategy = noauth`. */
export interface NoAuth {
  readonly kind: "noauth";
  readonly userId: string;
  readonly projectId: string;
  /** Roles asserted for a service token (noauth only), e.g. `["service"]`. */
  readonly serviceRoles: readonly string[];
}

/** Authentication with Keystone v3. */
export interface KeystoneAuth {
  readonly kind: "keystone";
  readonly authUrl: string;
  readonly user: Identity;
  /** A service user whose token is sent as `X-Service-Token`. */
  readonly service?: Identity;
}

/** TLS settings for Keystone and Cinder. */
export interface TlsSettings {
  /** CA bundle file. */
  readonly cacert?: string;
  /** Client certificate and key files. */
  readonly cert?: string;
  readonly key?: string;
  /** Skip certificate verification: only when explicitly asked. */
  readonly insecure: boolean;
}

/** Everything the provider needs to reach Cinder. */
export interface ConnectionSettings {
  readonly auth: NoAuth | KeystoneAuth;
  /** An explicit Block Storage endpoint; required for noauth, otherwise found in the catalog. */
  readonly endpoint?: string;
  readonly interface: EndpointInterface;
  readonly region?: string;
  readonly tls: TlsSettings;
  readonly maxMicroversion?: Microversion;
  readonly requestTimeoutMs: number;
  /** When GET, PUT and DELETE are resent (attempts, time budget); defaults in cinder/retry.ts. */
  readonly retry: Partial<RetryPolicy>;
  /** Longest wait for a status or for Cinder to answer again during recovery (default in recovery.ts). */
  readonly waitTimeoutMs?: number;
  /** Sends of one create in all, when the earlier ones provably made nothing (default in recovery.ts). */
  readonly createAttempts?: number;
}

/** Settings are missing or contradictory; the message names the setting and where to give it. */
export class SettingsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "SettingsError";
  }
}

/** One setting: its stack config key, its clouds.yaml path and its environment variables. */
interface Source {
  readonly config: string;
  readonly cloud?: string;
  readonly env?: readonly string[];
}

const S = {
  cloud: { config: "cloud", env: ["OS_CLOUD"] },
  authType: { config: "authType", cloud: "auth_type", env: ["OS_AUTH_TYPE"] },
  authUrl: { config: "authUrl", cloud: "auth.auth_url", env: ["OS_AUTH_URL"] },
  username: { config: "username", cloud: "auth.username", env: ["OS_USERNAME"] },
  userId: { config: "userId", cloud: "auth.user_id", env: ["OS_USER_ID"] },
  userDomainName: { config: "userDomainName", cloud: "auth.user_domain_name", env: ["OS_USER_DOMAIN_NAME"] },
  userDomainId: { config: "userDomainId", cloud: "auth.user_domain_id", env: ["OS_USER_DOMAIN_ID"] },
  password: { config: "password", cloud: "auth.password", env: ["OS_PASSWORD"] },
  projectName: { config: "projectName", cloud: "auth.project_name", env: ["OS_PROJECT_NAME", "OS_TENANT_NAME"] },
  projectId: { config: "projectId", cloud: "auth.project_id", env: ["OS_PROJECT_ID", "OS_TENANT_ID"] },
  projectDomainName: {
    config: "projectDomainName",
    cloud: "auth.project_domain_name",
    env: ["OS_PROJECT_DOMAIN_NAME"],
  },
  projectDomainId: { config: "projectDomainId", cloud: "auth.project_domain_id", env: ["OS_PROJECT_DOMAIN_ID"] },
  systemScope: { config: "systemScope", cloud: "auth.system_scope", env: ["OS_SYSTEM_SCOPE"] },
  applicationCredentialId: {
    config: "applicationCredentialId",
    cloud: "auth.application_credential_id",
    env: ["OS_APPLICATION_CREDENTIAL_ID"],
  },
  applicationCredentialName: {
    config: "applicationCredentialName",
    cloud: "auth.application_credential_name",
    env: ["OS_APPLICATION_CREDENTIAL_NAME"],
  },
  applicationCredentialSecret: {
    config: "applicationCredentialSecret",
    cloud: "auth.application_credential_secret",
    env: ["OS_APPLICATION_CREDENTIAL_SECRET"],
  },
  token: { config: "token", cloud: "auth.token", env: ["OS_TOKEN"] },
  region: { config: "region", cloud: "region_name", env: ["OS_REGION_NAME"] },
  interface: { config: "interface", cloud: "interface", env: ["OS_INTERFACE"] },
  endpoint: {
    config: "endpoint",
    cloud: "block_storage_endpoint_override",
    env: ["CINDER_ENDPOINT", "OS_VOLUME_ENDPOINT"],
  },
  cacert: { config: "cacert", cloud: "cacert", env: ["OS_CACERT"] },
  cert: { config: "cert", cloud: "cert", env: ["OS_CERT"] },
  key: { config: "key", cloud: "key", env: ["OS_KEY"] },
  insecure: { config: "insecure", cloud: "insecure", env: ["OS_INSECURE"] },
  maxMicroversion: { config: "maxMicroversion", cloud: "block_storage_api_version", env: ["OS_VOLUME_API_VERSION"] },
  requestTimeout: { config: "requestTimeout", cloud: "api_timeout", env: ["CINDER_REQUEST_TIMEOUT"] },
  waitTimeout: { config: "waitTimeout", env: ["CINDER_WAIT_TIMEOUT"] },
  retryAttempts: { config: "retryAttempts", env: ["CINDER_RETRY_ATTEMPTS"] },
  retryTimeout: { config: "retryTimeout", env: ["CINDER_RETRY_TIMEOUT"] },
  createAttempts: { config: "createAttempts", env: ["CINDER_CREATE_ATTEMPTS"] },
  noauthServiceRoles: { config: "noauthServiceRoles", env: ["CINDER_NOAUTH_SERVICE_ROLES"] },
  serviceCloud: { config: "serviceCloud", env: ["CINDER_SERVICE_CLOUD"] },
  serviceUsername: { config: "serviceUsername" },
  servicePassword: { config: "servicePassword" },
  serviceUserDomainName: { config: "serviceUserDomainName" },
  serviceProjectName: { config: "serviceProjectName" },
  serviceProjectDomainName: { config: "serviceProjectDomainName" },
} as const satisfies Record<string, Source>;

type Key = keyof typeof S;

/** Where a setting can be given, for error messages. */
export function describeSetting(key: Key): string {
  const source: Source = S[key];
  const places = [`stack config "cinder:${source.config}"`];
  if (source.cloud) places.push(`${source.cloud} in clouds.yaml`);
  if (source.env) places.push(source.env.join(" / "));
  return places.join(", ");
}

/** Reads settings from the three sources in order. */
class Lookup {
  constructor(
    private readonly config: ConfigLookup,
    private readonly cloud: Readonly<Record<string, unknown>> | undefined,
    private readonly env: NodeJS.ProcessEnv,
  ) {}

  get(key: Key): string | undefined {
    const source: Source = S[key];
    const fromConfig = this.config(source.config);
    if (fromConfig !== undefined && fromConfig !== "") return fromConfig;
    if (this.cloud) {
      const value = source.cloud ? cloudValue(this.cloud, source.cloud) : undefined;
      if (typeof value === "string" && value !== "") return value;
      if (typeof value === "number" || typeof value === "boolean") return String(value);
      // A named cloud stands for all OpenStack settings: OS_* variables are not mixed into it.
      if (source.env?.every((name) => name.startsWith("OS_"))) return undefined;
    }
    for (const name of source.env ?? []) {
      const value = this.env[name];
      if (value !== undefined && value !== "") return value;
    }
    return undefined;
  }

  require(key: Key, why: string): string {
    const value = this.get(key);
    if (value === undefined) throw new SettingsError(`${why}: give it as ${describeSetting(key)}`);
    return value;
  }
}

function bool(text: string | undefined, key: Key): boolean {
  if (text === undefined) return false;
  if (/^(1|true|yes|on)$/i.test(text)) return true;
  if (/^(0|false|no|off)$/i.test(text)) return false;
  throw new SettingsError(`Cinder ${key} "${text}" must be true or false (${describeSetting(key)})`);
}

function authKind(
  text: string | undefined,
  lookup: Lookup,
): "noauth" | "password" | "applicationCredential" | "token" | undefined {
  const normalized = text?.toLowerCase().replace(/^v3/, "");
  switch (normalized) {
    case undefined:
      if (lookup.get("applicationCredentialSecret")) return "applicationCredential";
      if (lookup.get("password")) return "password";
      if (lookup.get("token")) return "token";
      return lookup.get("endpoint") ? "noauth" : undefined;
    case "noauth":
    case "none":
      return "noauth";
    case "password":
      return "password";
    case "applicationcredential":
    case "application_credential":
      return "applicationCredential";
    case "token":
      return "token";
    default:
      throw new SettingsError(
        `Cinder authType "${text}" is not supported; use password, v3applicationcredential, token or noauth (${describeSetting("authType")})`,
      );
  }
}

function scopeOf(lookup: Lookup): Scope {
  const system = lookup.get("systemScope");
  if (system) return { kind: "system" };
  const projectId = lookup.get("projectId");
  const projectName = lookup.get("projectName");
  if (!projectId && !projectName) return { kind: "unscoped" };
  return {
    kind: "project",
    projectId,
    projectName,
    projectDomainId: lookup.get("projectDomainId"),
    projectDomainName: lookup.get("projectDomainName") ?? (lookup.get("projectDomainId") ? undefined : "Default"),
  };
}

function userOf(lookup: Lookup) {
  const userId = lookup.get("userId");
  const username = lookup.get("username");
  return {
    userId,
    username,
    userDomainId: lookup.get("userDomainId"),
    userDomainName: lookup.get("userDomainName") ?? (lookup.get("userDomainId") ? undefined : "Default"),
  };
}

function credentialsOf(kind: "password" | "applicationCredential" | "token", lookup: Lookup): Credentials {
  switch (kind) {
    case "password": {
      const user = userOf(lookup);
      if (!user.userId && !user.username) {
        throw new SettingsError(
          `Keystone password authentication needs a user: give it as ${describeSetting("username")}, or ${describeSetting("userId")}`,
        );
      }
      return {
        method: "password",
        password: lookup.require("password", "Keystone password authentication needs a password"),
        ...user,
      };
    }
    case "applicationCredential": {
      const applicationCredentialId = lookup.get("applicationCredentialId");
      const applicationCredentialName = lookup.get("applicationCredentialName");
      const user = userOf(lookup);
      if (!applicationCredentialId && !(applicationCredentialName && (user.userId || user.username))) {
        throw new SettingsError(
          `Keystone application credential authentication needs the credential's ID (${describeSetting("applicationCredentialId")}), or its name and its user (${describeSetting("applicationCredentialName")}; ${describeSetting("username")})`,
        );
      }
      const secret = lookup.require(
        "applicationCredentialSecret",
        "Keystone application credential authentication needs the secret",
      );
      return { method: "applicationCredential", applicationCredentialId, applicationCredentialName, secret, ...user };
    }
    case "token":
      return { method: "token", token: lookup.require("token", "Keystone token authentication needs the token") };
  }
}

function serviceIdentity(config: ConfigLookup, env: NodeJS.ProcessEnv, own: Lookup): Identity | undefined {
  const serviceCloud = own.get("serviceCloud");
  if (serviceCloud) {
    const lookup = new Lookup(() => undefined, loadCloud(serviceCloud, env).values, env);
    const kind = authKind(lookup.get("authType"), lookup);
    if (!kind || kind === "noauth") {
      throw new SettingsError(
        `service cloud "${serviceCloud}" has no Keystone credentials (${describeSetting("serviceCloud")})`,
      );
    }
    return { credentials: credentialsOf(kind, lookup), scope: scopeOf(lookup) };
  }
  const username = config(S.serviceUsername.config);
  if (!username) return undefined;
  const password = config(S.servicePassword.config);
  if (!password) {
    throw new SettingsError(
      `the service user ${username} needs a password: give it as ${describeSetting("servicePassword")} (a secret)`,
    );
  }
  const projectName = config(S.serviceProjectName.config) ?? "service";
  return {
    credentials: {
      method: "password",
      username,
      password,
      userDomainName: config(S.serviceUserDomainName.config) ?? "Default",
    },
    scope: { kind: "project", projectName, projectDomainName: config(S.serviceProjectDomainName.config) ?? "Default" },
  };
}

/**
 * Resolves the connection settings.
 * @param config stack config (`cinder:<key>`), consulted first.
 * @param env the process environment.
 * @throws SettingsError (or CloudConfigError) naming the setting and where to give it.
 */
export function resolveSettings(config: ConfigLookup, env: NodeJS.ProcessEnv): ConnectionSettings {
  const cloudName = new Lookup(config, undefined, env).get("cloud");
  const cloud = cloudName ? loadCloud(cloudName, env).values : undefined;
  const lookup = new Lookup(config, cloud, env);

  const kind = authKind(lookup.get("authType"), lookup);
  if (kind === undefined) {
    throw new SettingsError(
      `No Cinder connection is configured: name a cloud (${describeSetting("cloud")}), give Keystone credentials ` +
        `(${describeSetting("authUrl")}; ${describeSetting("username")}; ${describeSetting("password")}), or, for a Cinder without ` +
        `Keystone, set ${describeSetting("endpoint")} with authType noauth`,
    );
  }
  const endpoint = lookup.get("endpoint");
  if (endpoint !== undefined && !z.url({ protocol: /^https?$/ }).safeParse(endpoint).success) {
    throw new SettingsError(`Cinder endpoint "${endpoint}" is not an http(s) URL (${describeSetting("endpoint")})`);
  }
  const auth: NoAuth | KeystoneAuth =
    kind === "noauth"
      ? {
          kind: "noauth",
          userId: lookup.get("userId") ?? "admin",
          projectId: lookup.get("projectId") ?? "admin",
          serviceRoles: (lookup.get("noauthServiceRoles") ?? "")
            .split(",")
            .map((role) => role.trim())
            .filter(Boolean),
        }
      : {
          kind: "keystone",
          authUrl: lookup.require("authUrl", "Keystone authentication needs the identity URL"),
          user: {
            credentials: credentialsOf(kind, lookup),
            scope: kind === "applicationCredential" ? { kind: "unscoped" } : scopeOf(lookup),
          },
          service: serviceIdentity(config, env, lookup),
        };
  if (auth.kind === "noauth" && endpoint === undefined) {
    throw new SettingsError(`A noauth Cinder has no catalog: give its endpoint as ${describeSetting("endpoint")}`);
  }
  if (auth.kind === "keystone" && !z.url({ protocol: /^https?$/ }).safeParse(auth.authUrl).success) {
    throw new SettingsError(`Keystone authUrl "${auth.authUrl}" is not an http(s) URL (${describeSetting("authUrl")})`);
  }

  const iface = (lookup.get("interface") ?? "public").replace(/URL$/, "");
  if (iface !== "public" && iface !== "internal" && iface !== "admin") {
    throw new SettingsError(
      `Cinder interface "${iface}" must be public, internal or admin (${describeSetting("interface")})`,
    );
  }
  const max = lookup.get("maxMicroversion");
  let maxMicroversion: Microversion | undefined;
  if (max !== undefined) {
    try {
      maxMicroversion = microversion(max);
    } catch {
      throw new SettingsError(
        `Cinder maxMicroversion "${max}" is not like "3.54" (${describeSetting("maxMicroversion")})`,
      );
    }
  }
  const requestTimeoutMs = seconds(lookup, "requestTimeout") ?? 60_000;
  const retryAttempts = count(lookup, "retryAttempts");
  const retryTimeoutMs = seconds(lookup, "retryTimeout");
  const verify = cloud ? cloudValue(cloud, "verify") : undefined;
  return {
    auth,
    endpoint,
    interface: iface,
    region: lookup.get("region"),
    tls: {
      cacert: lookup.get("cacert"),
      cert: lookup.get("cert"),
      key: lookup.get("key"),
      insecure: bool(lookup.get("insecure"), "insecure") || verify === false,
    },
    maxMicroversion,
    requestTimeoutMs,
    retry: {
      ...(retryAttempts !== undefined ? { maxAttempts: retryAttempts } : {}),
      ...(retryTimeoutMs !== undefined ? { maxElapsedMs: retryTimeoutMs } : {}),
    },
    waitTimeoutMs: seconds(lookup, "waitTimeout"),
    createAttempts: count(lookup, "createAttempts"),
  };
}

/** A duration setting given in seconds, in milliseconds. */
function seconds(lookup: Lookup, key: Key): number | undefined {
  const text = lookup.get(key);
  if (text === undefined) return undefined;
  const ms = Number(text) * 1000;
  if (!Number.isFinite(ms) || ms <= 0) {
    throw new SettingsError(`Cinder ${key} "${text}" must be a positive number of seconds (${describeSetting(key)})`);
  }
  return ms;
}

/** A setting that counts attempts: a whole number, at least 1. */
function count(lookup: Lookup, key: Key): number | undefined {
  const text = lookup.get(key);
  if (text === undefined) return undefined;
  const value = Number(text);
  if (!Number.isInteger(value) || value < 1) {
    throw new SettingsError(`Cinder ${key} "${text}" must be a whole number, 1 or more (${describeSetting(key)})`);
  }
  return value;
}
