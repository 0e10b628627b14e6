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

/** One setting: its stack config key, its clouds.yaml path and its environment variables. */
interface Source {
  readonly config: string;
  readonly cloud?: string;
  readonly env?: readonly string[];
}

/** Every setting and its sources. */
export const S = {
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
