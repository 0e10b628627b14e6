/** From settings to a connected Cinder client: TLS, authentication, endpoint, microversions. */
import { readFileSync } from "node:fs";
import { Agent } from "node:https";
import { findBlockStorageEndpoint } from "../auth/keystone/catalog";
import { KeystoneSession } from "../auth/keystone/session";
import { noAuthSession } from "../auth/noauth";
import type { AuthSession } from "../auth/session";
import { CinderClient } from "../cinder/client";
import { adviseOnConnect } from "./advice";
import { type ConnectionSettings, SettingsError, type TlsSettings, describeSetting } from "./settings";

/** The PEM material of the TLS settings, read once. */
export interface TlsMaterial {
  /** The CA bundle. */
  readonly ca?: Buffer;
  /** The client certificate. */
  readonly cert?: Buffer;
  /** The client certificate's private key. */
  readonly key?: Buffer;
  /** False only when verification is turned off (insecure). */
  readonly rejectUnauthorized: boolean;
}

function readPem(path: string | undefined, key: "cacert" | "cert" | "key"): Buffer | undefined {
  if (!path) return undefined;
  try {
    return readFileSync(path);
  } catch {
    throw new SettingsError(`Cinder ${key} file ${path} cannot be read (${describeSetting(key)})`);
  }
}

/** Reads the files the TLS settings name; undefined when the defaults apply. */
export function tlsMaterial(tls: TlsSettings): TlsMaterial | undefined {
  if (!tls.cacert && !tls.cert && !tls.key && !tls.insecure) return undefined;
  return {
    ca: readPem(tls.cacert, "cacert"),
    cert: readPem(tls.cert, "cert"),
    key: readPem(tls.key, "key"),
    rejectUnauthorized: !tls.insecure,
  };
}

/**
 * The HTTPS agent of one client. Keystone's gets no keep-alive (a process asks it for a token or two,
 * and uwsgi closes idle connections); Cinder's keeps connections for its many requests.
 */
function agent(material: TlsMaterial | undefined, keepAlive: boolean): Agent | undefined {
  return material ? new Agent({ ...material, keepAlive }) : undefined;
}

/** The authentication session and the Block Storage endpoint the settings lead to. */
export async function openSession(
  settings: ConnectionSettings,
  material: TlsMaterial | undefined = tlsMaterial(settings.tls),
): Promise<{ auth: AuthSession; endpoint: string }> {
  const { auth } = settings;
  if (auth.kind === "noauth") {
    return { auth: noAuthSession(auth), endpoint: settings.endpoint as string };
  }
  try {
    const session = new KeystoneSession({
      authUrl: auth.authUrl,
      user: auth.user,
      service: auth.service,
      httpsAgent: agent(material, false),
      timeoutMs: settings.requestTimeoutMs,
    });
    // Given an endpoint, the first token waits for the first request that needs one (discovery does
    // not): a preview that changes nothing asks Keystone for none, as the Terraform provider's
    // delayed_auth. Otherwise the endpoint comes from the token's catalog.
    if (settings.endpoint) return { auth: session, endpoint: settings.endpoint };
    const token = await session.token();
    const endpoint = findBlockStorageEndpoint(token.catalog, settings.interface, settings.region);
    return { auth: session, endpoint };
  } catch (err) {
    throw adviseOnConnect(err);
  }
}

/** Authenticates as the settings say and connects to their Block Storage endpoint. */
export async function connectCinder(settings: ConnectionSettings): Promise<CinderClient> {
  const material = tlsMaterial(settings.tls);
  const { auth, endpoint } = await openSession(settings, material);
  // Sends nothing: a failure to reach Cinder comes with the first request, advised as the operation's.
  return CinderClient.connect({
    endpoint,
    auth,
    httpsAgent: agent(material, true),
    maxMicroversion: settings.maxMicroversion,
    timeoutMs: settings.requestTimeoutMs,
    retry: settings.retry,
  });
}
