/** The session of a Cinder running with `auth_strategy = noauth`: identity asserted in headers. */
import type { AuthSession } from "./session";

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
    headersAtHand: () => headers,
    renew: () => Promise.resolve(false),
    actsAsService: headers["X-Service-Roles"] !== undefined,
  };
}
