/**
 * What a failed exchange says about the connection, shared by the Keystone and Cinder clients. It
 * classifies; the advice that names settings is the config layer's (config/advice.ts).
 */

/** The system error code of a failed exchange (`ECONNREFUSED`, `ECONNABORTED` for a timeout...). */
export function connectionErrorCode(err: unknown): string {
  if (err !== null && typeof err === "object" && "code" in err && typeof err.code === "string") {
    return err.code;
  }
  return "EUNKNOWN";
}

/** TLS verification failures of the server's certificate (Node's codes). */
const UNTRUSTED_CERTIFICATE =
  /^(UNABLE_TO_VERIFY_LEAF_SIGNATURE|SELF_SIGNED_CERT_IN_CHAIN|DEPTH_ZERO_SELF_SIGNED_CERT|UNABLE_TO_GET_ISSUER_CERT(_LOCALLY)?|CERT_UNTRUSTED|CERT_SIGNATURE_FAILURE|CERT_HAS_EXPIRED|CERT_NOT_YET_VALID|ERR_TLS_CERT_ALTNAME_INVALID)$/;
/** TLS alerts of a server that wanted a (valid) client certificate. */
const CLIENT_CERTIFICATE_REFUSED =
  /ALERT_(CERTIFICATE_REQUIRED|HANDSHAKE_FAILURE|BAD_CERTIFICATE|UNKNOWN_CA|CERTIFICATE_UNKNOWN)$/;

/** Which side's certificate a TLS failure is about, if the code is a TLS failure at all. */
export type TlsFailure = "server-certificate" | "client-certificate";

/** The TLS failure a connection error code stands for; undefined for any other failure. */
export function tlsFailureOf(code: string): TlsFailure | undefined {
  if (UNTRUSTED_CERTIFICATE.test(code)) return "server-certificate";
  if (CLIENT_CERTIFICATE_REFUSED.test(code)) return "client-certificate";
  return undefined;
}

/** What a failed connection means, in words that name no setting. */
export function describeConnectionFailure(code: string): string | undefined {
  switch (tlsFailureOf(code)) {
    case "server-certificate":
      return "the server's TLS certificate is not accepted (not signed by a trusted CA, expired, or for another host)";
    case "client-certificate":
      return "the server wants a TLS client certificate it accepts";
    default:
      return undefined;
  }
}
