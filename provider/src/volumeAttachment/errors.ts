/** Errors of the VolumeAttachment resource that explain what to do, on top of the client's typed errors. */
import { CinderApiError, CinderError } from "../cinder/errors";

/**
 * Cinder refused to delete an attachment that is bound to an instance and connected (the rule of
 * OSSA-2023-003, bug 2004555): it asks Nova first unless the caller sends a service token.
 */
export class AttachmentDeleteRefusedError extends CinderError {
  constructor(
    readonly attachmentId: string,
    readonly cause: CinderApiError,
  ) {
    super(
      `Cinder refused to delete attachment ${attachmentId}: it is connected to instance-bound storage, and since ` +
        `OSSA-2023-003 only Nova (or a caller with a service token) may delete such an attachment ` +
        `(${cause.status}${cause.faultMessage ? `: ${cause.faultMessage}` : ""}). Either detach the volume through ` +
        `the Compute API (openstack server remove volume), or configure a service user so that requests carry ` +
        `X-Service-Token (with noauth, set cinder:noauthServiceRoles = service).`,
    );
  }
}

/** True when Cinder's answer to a delete is the OSSA-2023-003 refusal (409 in a cloud, 500 where Nova is missing). */
export function isDeleteRefusal(err: unknown): err is CinderApiError {
  if (!(err instanceof CinderApiError)) return false;
  if (err.status === 409) return true;
  return err.status === 500 && (err.faultName === "computeFault" || /nova|compute/i.test(err.faultMessage ?? ""));
}

/** The volume reference named no volume, or more than one. */
export class VolumeLookupError extends CinderError {}

/** An attachment to adopt does not match the resource's other inputs. */
export class AdoptionMismatchError extends CinderError {}
