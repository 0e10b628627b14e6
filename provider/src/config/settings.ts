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
import type { Credentials, Scope } from "../auth/keystone/authRequest";
import type { EndpointInterface } from "../auth/keystone/catalog";
import type { Identity } from "../auth/keystone/session";
import { type Microversion, microversion } from "../cinder/microversion";
import type { RetryPolicy } from "../cinder/retry";
import { cloudValue, loadCloud } from "./cloudsYaml";
import { type ConfigLookup, Lookup, S, SettingsError, bool, count, describeSetting, seconds } from "./sources";

export { type ConfigLookup, SettingsError, describeSetting } from "./sources";

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
  };
}
