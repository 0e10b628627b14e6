/**
 * How requests authenticate. The client asks for headers per request and asks once for fresh ones
 * after a 401, so a Keystone session can renew its token without the client knowing about Keystone.
 */

/** Supplies authentication headers to the Cinder client. */
export interface AuthSession {
  /** Headers for one request (e.g. `X-Auth-Token`, `X-Service-Token`). */
  headers(): Promise<Record<string, string>>;
  /**
   * Called once after Cinder answered 401. Resolves true when fresh credentials were obtained and
   * the request may be sent again; false when renewing cannot help.
   */
  renew(): Promise<boolean>;
  /**
   * Whether requests carry a service token (or, with noauth, service roles). Cinder lets only such
   * requests delete an instance-bound, connected attachment without asking Nova (OSSA-2023-003).
   */
  readonly actsAsService: boolean;
}

/** Identity asserted to a Cinder running with `auth_strategy = noauth`. */
export interface NoAuthIdentity {
  readonly userId: string;
  readonly projectId: string;
  /**
   * Roles asserted as those of a service token (`X-Service-Roles`). With noauth, Cinder trusts the
   * caller's headers; asserting `service` plays the part the service token plays behind Keystone
   * (it lets Cinder delete instance-bound, connected attachments: OSSA-2023-003).
   */
  readonly serviceRoles?: readonly string[];
}

/** The session of a noauth Cinder: `X-Auth-Token: <user>:<project>`, as python-cinderclient sends it. */
export function noAuthSession(identity: NoAuthIdentity): AuthSession {
  const headers: Record<string, string> = { "X-Auth-Token": `${identity.userId}:${identity.projectId}` };
  if (identity.serviceRoles && identity.serviceRoles.length > 0) {
    headers["X-Service-Roles"] = identity.serviceRoles.join(",");
  }
  return {
    headers: () => Promise.resolve(headers),
    renew: () => Promise.resolve(false),
    actsAsService: headers["X-Service-Roles"] !== undefined,
  };
}
