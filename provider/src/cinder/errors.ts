/**
 * Typed errors of the Cinder client. Messages carry the method, path, status, Cinder's fault
 * message and request id; never a token, header or connection info.
 */
import { ProviderError } from "../errors";
import { describeConnectionFailure } from "../http/connection";
import { parseFault } from "./faults";

/** Base of every error this client throws. */
export class CinderError extends ProviderError {
  static override readonly kind: string = "CinderError";
}

/** What an API error knows of the request that failed. */
export interface ApiErrorDetails {
  /** HTTP method, e.g. `POST`. */
  readonly method: string;
  /** Path relative to the Block Storage endpoint, e.g. `attachments/<id>`. */
  readonly path: string;
  /** HTTP status Cinder answered. */
  readonly status: number;
  /** Statuses the operation accepts. */
  readonly expected: readonly number[];
  /** Cinder's fault name, e.g. `badRequest`, `itemNotFound`, `computeFault`. */
  readonly faultName?: string;
  /** Cinder's fault message. */
  readonly faultMessage?: string;
  /** `x-openstack-request-id` of the failed request, for the operator's logs. */
  readonly requestId?: string;
}

/** Cinder answered with a status the operation does not accept. */
export class CinderApiError extends CinderError implements ApiErrorDetails {
  static override readonly kind: string = "CinderApiError";
  readonly method: string;
  readonly path: string;
  readonly status: number;
  readonly expected: readonly number[];
  readonly faultName?: string;
  readonly faultMessage?: string;
  readonly requestId?: string;

  constructor(details: ApiErrorDetails) {
    const request = details.requestId ? ` (${details.requestId})` : "";
    const fault = details.faultMessage ?? details.faultName ?? "no fault message";
    super(
      `Cinder ${details.method} ${shownPath(details.path)}: expected ${details.expected.join("|")}, ` +
        `got ${details.status}${request}: ${fault}`,
    );
    this.method = details.method;
    this.path = details.path;
    this.status = details.status;
    this.expected = details.expected;
    this.faultName = details.faultName;
    this.faultMessage = details.faultMessage;
    this.requestId = details.requestId;
  }
}

/** An absolute URL (version discovery) as it is; an API path relative to the endpoint, with its slash. */
function shownPath(path: string): string {
  return /^https?:/.test(path) ? path : `/${path}`;
}

/** 400: Cinder refused the request as invalid (e.g. the volume is not in a state that allows it). */
export class CinderBadRequestError extends CinderApiError {
  static override readonly kind: string = "CinderBadRequestError";
}
/** 401: the credentials were refused. */
export class CinderUnauthorizedError extends CinderApiError {
  static override readonly kind: string = "CinderUnauthorizedError";
}
/** 403: the policy forbids this caller the operation. */
export class CinderForbiddenError extends CinderApiError {
  static override readonly kind: string = "CinderForbiddenError";
}
/** 404: the attachment or volume does not exist (or is not visible to this project). */
export class CinderNotFoundError extends CinderApiError {
  static override readonly kind: string = "CinderNotFoundError";
}
/** 409: the operation conflicts with the resource's state. */
export class CinderConflictError extends CinderApiError {
  static override readonly kind: string = "CinderConflictError";
}
/** 5xx: Cinder failed. */
export class CinderServerError extends CinderApiError {
  static override readonly kind: string = "CinderServerError";
}

/** An answer Cinder gave with a status the operation does not accept. */
export interface UnexpectedAnswer {
  readonly method: string;
  readonly path: string;
  readonly expected: readonly number[];
  readonly status: number;
  /** The body as received, a fault document or not. */
  readonly body: unknown;
  readonly requestId?: string;
}

/** The typed error of an unexpected answer, with Cinder's fault name and message when the body has them. */
export function errorFromAnswer(answer: UnexpectedAnswer): CinderApiError {
  const fault = parseFault(answer.body);
  return apiErrorFor({
    method: answer.method,
    path: answer.path,
    status: answer.status,
    expected: answer.expected,
    faultName: fault.name,
    faultMessage: fault.message,
    requestId: answer.requestId,
  });
}

/** Builds the {@link CinderApiError} subclass that matches the status. */
export function apiErrorFor(details: ApiErrorDetails): CinderApiError {
  switch (details.status) {
    case 400:
      return new CinderBadRequestError(details);
    case 401:
      return new CinderUnauthorizedError(details);
    case 403:
      return new CinderForbiddenError(details);
    case 404:
      return new CinderNotFoundError(details);
    case 409:
      return new CinderConflictError(details);
    default:
      return details.status >= 500 ? new CinderServerError(details) : new CinderApiError(details);
  }
}

/** Cinder could not be reached, or the connection failed before an answer came. */
export class CinderConnectionError extends CinderError {
  static override readonly kind: string = "CinderConnectionError";

  constructor(
    readonly method: string,
    readonly path: string,
    /** The system error code, e.g. `ECONNREFUSED`, `ECONNRESET`, `ETIMEDOUT`. */
    readonly code: string,
  ) {
    super(
      `Cinder ${method} ${shownPath(path)}: no answer (${code}); ` +
        (describeConnectionFailure(code) ?? "check the endpoint and that cinder-api runs"),
    );
  }
}

/** Cinder answered a success whose body does not have the documented shape. */
export class CinderResponseShapeError extends CinderError {
  static override readonly kind: string = "CinderResponseShapeError";

  constructor(
    readonly operation: string,
    /** Where and what: e.g. `attachment.status: expected string`. */
    readonly issues: readonly string[],
  ) {
    super(`Cinder answered ${operation} with an unexpected body: ${issues.join("; ")}`);
  }
}

/** The server (or the configured cap) is below the microversion a feature needs. */
export class CinderFeatureUnavailableError extends CinderError {
  static override readonly kind: string = "CinderFeatureUnavailableError";

  constructor(
    readonly feature: string,
    readonly required: string,
    readonly available: string,
  ) {
    super(
      `${feature} needs volume API microversion ${required}, but only ${available} is available ` +
        `(the server's maximum, or the configured cap): upgrade Cinder, raise maxMicroversion, or do without it`,
    );
  }
}

/** A wait for a status gave up, or ended at a failure status. */
export class CinderWaitError extends CinderError {
  static override readonly kind: string = "CinderWaitError";

  constructor(
    message: string,
    /** The last status seen. */
    readonly lastStatus: string | undefined,
  ) {
    super(message);
  }
}

/** True when `err` is a {@link CinderApiError} with one of the given statuses (like gophercloud's ResponseCodeIs). */
export function isCinderStatus(err: unknown, ...statuses: number[]): err is CinderApiError {
  return CinderApiError.isInstance(err) && statuses.includes(err.status);
}

/**
 * True when a failure leaves open what Cinder did: no answer, a 5xx, or a success whose body cannot
 * be read (Cinder acted, but its answer does not say what it made).
 */
export function isAmbiguous(err: unknown): boolean {
  return (
    CinderConnectionError.isInstance(err) ||
    CinderResponseShapeError.isInstance(err) ||
    (CinderApiError.isInstance(err) && err.status >= 500)
  );
}

/** True when the request timed out: it may still reach Cinder, or still run there. */
export function mayStillArrive(err: unknown): boolean {
  return CinderConnectionError.isInstance(err) && ["ECONNABORTED", "ETIMEDOUT"].includes(err.code);
}
