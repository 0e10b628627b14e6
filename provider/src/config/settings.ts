/**
 * Where the provider finds Cinder and how it authenticates: Pulumi stack config under `cinder:`
 * first, then the environment the cinder CLI reads. Read in the provider's process (in `configure`
 * or a method), never at module scope, so no credential is captured into the serialized provider.
 */
import { z } from "zod";
import { microversion, type Microversion } from "../cinder/microversion";

/** Looks up one setting by its stack config key (without the `cinder:` prefix). */
export type ConfigLookup = (key: string) => string | undefined;

/** Settings for a Cinder running with `auth_strategy = noauth`. */
export interface NoAuthSettings {
  readonly authType: "noauth";
  /** Block Storage v3 endpoint, e.g. `http://127.0.0.1:8776/v3`. */
  readonly endpoint: string;
  readonly userId: string;
  readonly projectId: string;
  /** Roles asserted for a service token (noauth only), e.g. `["service"]`. */
  readonly serviceRoles: readonly string[];
  readonly maxMicroversion?: Microversion;
  readonly requestTimeoutMs: number;
}

/** Everything the provider needs to reach Cinder. */
export type ConnectionSettings = NoAuthSettings;

/** Settings are missing or contradictory; the message names the setting and how to give it. */
export class SettingsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "SettingsError";
  }
}

/** One setting: its stack config key and the environment variables that can give it, in order. */
const SOURCES = {
  authType: { config: "authType", env: ["OS_AUTH_TYPE"] },
  endpoint: { config: "endpoint", env: ["CINDER_ENDPOINT", "OS_VOLUME_ENDPOINT"] },
  userId: { config: "userId", env: ["OS_USER_ID"] },
  projectId: { config: "projectId", env: ["OS_PROJECT_ID"] },
  serviceRoles: { config: "noauthServiceRoles", env: ["CINDER_NOAUTH_SERVICE_ROLES"] },
  maxMicroversion: { config: "maxMicroversion", env: ["OS_VOLUME_API_VERSION"] },
  requestTimeout: { config: "requestTimeout", env: ["CINDER_REQUEST_TIMEOUT"] },
} as const;

type SettingName = keyof typeof SOURCES;

function describe(name: SettingName): string {
  const source = SOURCES[name];
  return `stack config "cinder:${source.config}" or ${source.env.join(" / ")}`;
}

/**
 * Resolves the connection settings.
 * @param config stack config (`cinder:<key>`), consulted first.
 * @param env the process environment.
 * @throws SettingsError naming the missing or invalid setting.
 */
export function resolveSettings(config: ConfigLookup, env: NodeJS.ProcessEnv): ConnectionSettings {
  const get = (name: SettingName): string | undefined => {
    const source = SOURCES[name];
    const fromConfig = config(source.config);
    if (fromConfig !== undefined && fromConfig !== "") return fromConfig;
    for (const variable of source.env) {
      const value = env[variable];
      if (value !== undefined && value !== "") return value;
    }
    return undefined;
  };
  const require = (name: SettingName): string => {
    const value = get(name);
    if (value === undefined) {
      throw new SettingsError(`Cinder ${name} is not set: give it as ${describe(name)}`);
    }
    return value;
  };

  const authType = get("authType") ?? (get("endpoint") ? "noauth" : undefined);
  if (authType !== "noauth") {
    throw new SettingsError(
      authType === undefined
        ? `No Cinder connection is configured: set ${describe("endpoint")} with ${describe("authType")} = noauth`
        : `Cinder authType "${authType}" is not supported; use "noauth" (${describe("authType")})`,
    );
  }
  const endpoint = require("endpoint");
  if (!z.url({ protocol: /^https?$/ }).safeParse(endpoint).success) {
    throw new SettingsError(`Cinder endpoint "${endpoint}" is not an http(s) URL (${describe("endpoint")})`);
  }
  const max = get("maxMicroversion");
  let maxMicroversion: Microversion | undefined;
  if (max !== undefined) {
    try {
      maxMicroversion = microversion(max);
    } catch {
      throw new SettingsError(`Cinder maxMicroversion "${max}" is not like "3.54" (${describe("maxMicroversion")})`);
    }
  }
  const timeout = get("requestTimeout");
  const requestTimeoutMs = timeout === undefined ? 60_000 : Number(timeout) * 1000;
  if (!Number.isFinite(requestTimeoutMs) || requestTimeoutMs <= 0) {
    throw new SettingsError(
      `Cinder requestTimeout "${timeout}" must be a positive number of seconds (${describe("requestTimeout")})`,
    );
  }
  return {
    authType: "noauth",
    endpoint,
    userId: get("userId") ?? "admin",
    projectId: get("projectId") ?? "admin",
    serviceRoles: (get("serviceRoles") ?? "")
      .split(",")
      .map((role) => role.trim())
      .filter(Boolean),
    maxMicroversion,
    requestTimeoutMs,
  };
}
