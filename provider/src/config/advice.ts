/**
 * Advice that names settings, added to errors of the layers below (HTTP, auth, Cinder client), which
 * describe a failure without knowing where settings come from.
 */
import { EndpointNotFoundError } from "../auth/keystone/catalog";
import { KeystoneAuthError } from "../auth/keystone/session";
import { CinderConnectionError, CinderUnauthorizedError } from "../cinder/errors";
import { withAdvice } from "../errors";
import { tlsFailureOf } from "../http/connection";
import { type ConnectionSettings, describeSetting } from "./settings";

/** What to set for a TLS failure of `code`; undefined when the code is no TLS failure. */
function tlsAdvice(code: string): string | undefined {
  switch (tlsFailureOf(code)) {
    case "server-certificate":
      return `give the CA bundle that signed it as cacert (${describeSetting("cacert")}), or set insecure to skip verification (${describeSetting("insecure")})`;
    case "client-certificate":
      return `give it as cert and its private key as key (${describeSetting("cert")}; ${describeSetting("key")})`;
    default:
      return undefined;
  }
}

/**
 * The error of a failed connect (Keystone out of reach, the catalog, Cinder out of reach), with the
 * settings that fix it named; other errors are returned as they are.
 */
export function adviseOnConnect(err: unknown): unknown {
  if (CinderConnectionError.isInstance(err)) {
    const advice = tlsAdvice(err.code);
    return advice ? withAdvice(err, advice) : withAdvice(err, `the endpoint is ${describeSetting("endpoint")}`);
  }
  if (KeystoneAuthError.isInstance(err) && err.code !== undefined) {
    return withAdvice(err, tlsAdvice(err.code) ?? `the auth URL is ${describeSetting("authUrl")}`);
  }
  if (EndpointNotFoundError.isInstance(err)) {
    return withAdvice(
      err,
      `region is ${describeSetting("region")}, interface ${describeSetting("interface")}, endpoint ${describeSetting("endpoint")}`,
    );
  }
  return err;
}

/**
 * An operation's error with the settings that fix it named, where the settings explain it: a 401
 * from a Cinder that wants Keystone tokens while the provider is configured for noauth; Keystone or
 * Cinder out of reach, or their certificates refused, at the first request (connecting sends none:
 * the first token waits for it where an endpoint is given, and so does version discovery).
 */
export function adviseOnFailure(err: unknown, settings: ConnectionSettings): unknown {
  if (KeystoneAuthError.isInstance(err) || CinderConnectionError.isInstance(err)) return adviseOnConnect(err);
  if (CinderUnauthorizedError.isInstance(err) && settings.auth.kind === "noauth") {
    return withAdvice(
      err,
      `this Cinder asks for Keystone tokens, and authType noauth (${describeSetting("authType")}) sends none: ` +
        `configure Keystone instead (${describeSetting("authUrl")}; ${describeSetting("username")}; ` +
        `${describeSetting("password")}), or name a cloud (${describeSetting("cloud")})`,
    );
  }
  return err;
}
