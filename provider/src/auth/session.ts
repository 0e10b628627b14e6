/**
 * How requests authenticate: the auth layer, below the Cinder client, which it never imports. The
 * client asks for headers per request and once for fresh ones after a 401, so a Keystone session
 * (auth/keystone/) can renew its token without the client knowing about Keystone.
 */

/** Supplies authentication headers to the Cinder client. */
export interface AuthSession {
  /** Headers for one request (e.g. `X-Auth-Token`, `X-Service-Token`). */
  headers(): Promise<Record<string, string>>;
  /**
   * The headers at hand, without asking for new credentials: for requests that need none, such as
   * version discovery (Cinder's version document is public). Empty when there is no token yet.
   */
  headersAtHand(): Record<string, string>;
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
