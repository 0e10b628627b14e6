/**
 * The settings the provider reads and where each comes from: its stack config key (`cinder:<key>`),
 * its clouds.yaml path and its environment variables, looked up in that order.
 */
import { ProviderError } from "../errors";
import { cloudValue } from "./cloudsYaml";

/** Looks up one setting by its stack config key (without the `cinder:` prefix). */
export type ConfigLookup = (key: string) => string | undefined;

/** Settings are missing or contradictory; the message names the setting and where to give it. */
export class SettingsError extends ProviderError {
  static override readonly kind: string = "SettingsError";
}

/**
 * One setting: its stack config key, its clouds.yaml path and its environment variables, plus what
 * the package schema says of it (its doc comment is the setting's description there).
 */
interface Source {
  readonly config: string;
  readonly cloud?: string;
  readonly env?: readonly string[];
  /** The value's type when it is not a string (in stack config every value is text). */
  readonly type?: "boolean" | "integer" | "number";
  /** A credential: kept secret in the provider's inputs and the state. */
  readonly secret?: true;
}

/** Every setting and its sources. */
export const S = {
  /** The clouds.yaml entry to use (`OS_CLOUD`). */
  cloud: { config: "cloud", env: ["OS_CLOUD"] },
  /**
   * `password` (or `v3password`), `v3applicationcredential`, `token` (or `v3token`) or `noauth` (or
   * `none`); inferred from the other settings when not given.
   */
  authType: { config: "authType", cloud: "auth_type", env: ["OS_AUTH_TYPE"] },
  /** Keystone's identity URL (`/v3` is added when missing); required with Keystone. */
  authUrl: { config: "authUrl", cloud: "auth.auth_url", env: ["OS_AUTH_URL"] },
  /** The user, by name (needs its domain). */
  username: { config: "username", cloud: "auth.username", env: ["OS_USERNAME"] },
  /** The user, by ID; with noauth, the user Cinder is told about (default `admin`). */
  userId: { config: "userId", cloud: "auth.user_id", env: ["OS_USER_ID"] },
  /** The user's domain (default `Default`, unless a domain ID is given). */
  userDomainName: { config: "userDomainName", cloud: "auth.user_domain_name", env: ["OS_USER_DOMAIN_NAME"] },
  /** The user's domain, by ID. */
  userDomainId: { config: "userDomainId", cloud: "auth.user_domain_id", env: ["OS_USER_DOMAIN_ID"] },
  /** The user's password. */
  password: { config: "password", cloud: "auth.password", env: ["OS_PASSWORD"], secret: true },
  /** The project scope, by name. */
  projectName: { config: "projectName", cloud: "auth.project_name", env: ["OS_PROJECT_NAME", "OS_TENANT_NAME"] },
  /** The project scope, by ID; with noauth, the project Cinder is told about (default `admin`). */
  projectId: { config: "projectId", cloud: "auth.project_id", env: ["OS_PROJECT_ID", "OS_TENANT_ID"] },
  /** The project's domain (default `Default`, unless a domain ID is given). */
  projectDomainName: {
    config: "projectDomainName",
    cloud: "auth.project_domain_name",
    env: ["OS_PROJECT_DOMAIN_NAME"],
  },
  /** The project's domain, by ID. */
  projectDomainId: { config: "projectDomainId", cloud: "auth.project_domain_id", env: ["OS_PROJECT_DOMAIN_ID"] },
  /** Any value (normally `all`) asks for a system-scoped token instead of a project one. */
  systemScope: { config: "systemScope", cloud: "auth.system_scope", env: ["OS_SYSTEM_SCOPE"] },
  /** An application credential, by ID. */
  applicationCredentialId: {
    config: "applicationCredentialId",
    cloud: "auth.application_credential_id",
    env: ["OS_APPLICATION_CREDENTIAL_ID"],
  },
  /** An application credential, by name (then `username` or `userId` too). */
  applicationCredentialName: {
    config: "applicationCredentialName",
    cloud: "auth.application_credential_name",
    env: ["OS_APPLICATION_CREDENTIAL_NAME"],
  },
  /** The application credential's secret; the credential carries its own scope. */
  applicationCredentialSecret: {
    config: "applicationCredentialSecret",
    cloud: "auth.application_credential_secret",
    env: ["OS_APPLICATION_CREDENTIAL_SECRET"],
    secret: true,
  },
  /** An existing Keystone token; tokens issued from it expire with it. */
  token: { config: "token", cloud: "auth.token", env: ["OS_TOKEN"], secret: true },
  /** The catalog region whose Block Storage endpoint to use (default: any region). */
  region: { config: "region", cloud: "region_name", env: ["OS_REGION_NAME"] },
  /** The catalog interface: `public` (the default), `internal` or `admin`. */
  interface: { config: "interface", cloud: "interface", env: ["OS_INTERFACE"] },
  /**
   * The Block Storage v3 endpoint, e.g. `https://cinder.example.com:8776/v3/<project_id>`, instead of
   * the catalog's; required with noauth.
   */
  endpoint: {
    config: "endpoint",
    cloud: "block_storage_endpoint_override",
    env: ["CINDER_ENDPOINT", "OS_VOLUME_ENDPOINT"],
  },
  /** A CA bundle file for Keystone and Cinder (default: the system's CAs). */
  cacert: { config: "cacert", cloud: "cacert", env: ["OS_CACERT"] },
  /** A client certificate file. */
  cert: { config: "cert", cloud: "cert", env: ["OS_CERT"] },
  /** The client certificate's key file. */
  key: { config: "key", cloud: "key", env: ["OS_KEY"] },
  /** Skip TLS verification (default false). */
  insecure: { config: "insecure", cloud: "insecure", env: ["OS_INSECURE"], type: "boolean" },
  /** Cap the volume API microversion, e.g. `3.44` (default: the server's maximum). */
  maxMicroversion: { config: "maxMicroversion", cloud: "block_storage_api_version", env: ["OS_VOLUME_API_VERSION"] },
  /** Seconds to wait for one HTTP answer, Keystone's too (default 60). */
  requestTimeout: {
    config: "requestTimeout",
    cloud: "api_timeout",
    env: ["CINDER_REQUEST_TIMEOUT"],
    type: "number",
  },
  /** Seconds to wait at most for a status, and for Cinder to answer again during recovery (default 300). */
  waitTimeout: { config: "waitTimeout", env: ["CINDER_WAIT_TIMEOUT"], type: "number" },
  /** Attempts in all of a GET, PUT or DELETE that got no answer or a 429/502/503/504 (default 4). */
  retryAttempts: { config: "retryAttempts", env: ["CINDER_RETRY_ATTEMPTS"], type: "integer" },
  /** Seconds that the attempts of one call may take in all (default 30). */
  retryTimeout: { config: "retryTimeout", env: ["CINDER_RETRY_TIMEOUT"], type: "number" },
  /** Sends of one create in all, when the earlier ones provably made nothing (default 3). */
  createAttempts: { config: "createAttempts", env: ["CINDER_CREATE_ATTEMPTS"], type: "integer" },
  /** Noauth only: comma-separated roles sent as `X-Service-Roles`, e.g. `service`. */
  noauthServiceRoles: { config: "noauthServiceRoles", env: ["CINDER_NOAUTH_SERVICE_ROLES"] },
  /** The service user (whose token goes in `X-Service-Token`) as a clouds.yaml entry. */
  serviceCloud: { config: "serviceCloud", env: ["CINDER_SERVICE_CLOUD"] },
  /** A service user whose token goes in `X-Service-Token`, so that Cinder deletes instance-bound attachments. */
  serviceUsername: { config: "serviceUsername" },
  /** The service user's password (required with `serviceUsername`). */
  servicePassword: { config: "servicePassword", secret: true },
  /** The service user's domain (default `Default`). */
  serviceUserDomainName: { config: "serviceUserDomainName" },
  /** The service user's project (default `service`). */
  serviceProjectName: { config: "serviceProjectName" },
  /** The service user's project's domain (default `Default`). */
  serviceProjectDomainName: { config: "serviceProjectDomainName" },
} as const satisfies Record<string, Source>;

/** The name of a setting. */
export type Key = keyof typeof S;

/** Where a setting can be given, for error messages. */
export function describeSetting(key: Key): string {
  const source: Source = S[key];
  const places = [`stack config "cinder:${source.config}"`];
  if (source.cloud) places.push(`${source.cloud} in clouds.yaml`);
  if (source.env) places.push(source.env.join(" / "));
  return places.join(", ");
}

/** Reads settings from the three sources in order. */
export class Lookup {
  constructor(
    private readonly config: ConfigLookup,
    private readonly cloud: Readonly<Record<string, unknown>> | undefined,
    private readonly env: NodeJS.ProcessEnv,
  ) {}

  /** The setting's value from the first source that gives one. */
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

  /** The setting's value; a {@link SettingsError} saying `why` and where to give it when no source has one. */
  require(key: Key, why: string): string {
    const value = this.get(key);
    if (value === undefined) throw new SettingsError(`${why}: give it as ${describeSetting(key)}`);
    return value;
  }
}

/** A boolean setting (`true`/`false`, `1`/`0`, `yes`/`no`, `on`/`off`); false when absent. */
export function bool(text: string | undefined, key: Key): boolean {
  if (text === undefined) return false;
  if (/^(1|true|yes|on)$/i.test(text)) return true;
  if (/^(0|false|no|off)$/i.test(text)) return false;
  throw new SettingsError(`Cinder ${key} "${text}" must be true or false (${describeSetting(key)})`);
}

/** A duration setting given in seconds, in milliseconds. */
export function seconds(lookup: Lookup, key: Key): number | undefined {
  const text = lookup.get(key);
  if (text === undefined) return undefined;
  const ms = Number(text) * 1000;
  if (!Number.isFinite(ms) || ms <= 0) {
    throw new SettingsError(`Cinder ${key} "${text}" must be a positive number of seconds (${describeSetting(key)})`);
  }
  return ms;
}

/** A setting that counts attempts: a whole number, at least 1. */
export function count(lookup: Lookup, key: Key): number | undefined {
  const text = lookup.get(key);
  if (text === undefined) return undefined;
  const value = Number(text);
  if (!Number.isInteger(value) || value < 1) {
    throw new SettingsError(`Cinder ${key} "${text}" must be a whole number, 1 or more (${describeSetting(key)})`);
  }
  return value;
}
