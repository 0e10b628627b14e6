/** From settings to a connected Cinder client: TLS, authentication, endpoint, microversions. */
import { readFileSync } from "node:fs";
import { Agent } from "node:https";
import { type AuthSession, noAuthSession } from "../cinder/auth";
import { CinderClient } from "../cinder/client";
import { findBlockStorageEndpoint } from "../keystone/catalog";
import { KeystoneSession } from "../keystone/session";
import { type ConnectionSettings, SettingsError, type TlsSettings, describeSetting } from "./settings";

function readPem(path: string | undefined, key: "cacert" | "cert" | "key"): Buffer | undefined {
  if (!path) return undefined;
  try {
    return readFileSync(path);
  } catch {
    throw new SettingsError(`Cinder ${key} file ${path} cannot be read (${describeSetting(key)})`);
  }
}

/** An HTTPS agent with the TLS settings; undefined when the defaults apply. */
export function httpsAgentFor(tls: TlsSettings, keepAlive: boolean): Agent | undefined {
  if (!tls.cacert && !tls.cert && !tls.key && !tls.insecure) return undefined;
  return new Agent({
    ca: readPem(tls.cacert, "cacert"),
    cert: readPem(tls.cert, "cert"),
    key: readPem(tls.key, "key"),
    rejectUnauthorized: !tls.insecure,
    keepAlive,
  });
}

/** The authentication session and the Block Storage endpoint the settings lead to. */
export async function openSession(settings: ConnectionSettings): Promise<{ auth: AuthSession; endpoint: string }> {
  const { auth } = settings;
  if (auth.kind === "noauth") {
    return { auth: noAuthSession(auth), endpoint: settings.endpoint as string };
  }
  const session = new KeystoneSession({
    authUrl: auth.authUrl,
    user: auth.user,
    service: auth.service,
    httpsAgent: httpsAgentFor(settings.tls, false),
    timeoutMs: settings.requestTimeoutMs,
  });
  const token = await session.token();
  const endpoint = settings.endpoint ?? findBlockStorageEndpoint(token.catalog, settings.interface, settings.region);
  return { auth: session, endpoint };
}

/** Authenticates as the settings say and connects to their Block Storage endpoint. */
export async function connectCinder(settings: ConnectionSettings): Promise<CinderClient> {
  const { auth, endpoint } = await openSession(settings);
  return CinderClient.connect({
    endpoint,
    auth,
    httpsAgent: httpsAgentFor(settings.tls, true),
    maxMicroversion: settings.maxMicroversion,
    timeoutMs: settings.requestTimeoutMs,
    retry: settings.retry,
  });
}
