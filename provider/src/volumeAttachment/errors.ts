/** Errors of the VolumeAttachment resource that explain what to do, on top of the client's typed errors. */
import { type CinderApiError, CinderError } from "../cinder/errors";

/**
 * Cinder refused to delete an attachment that is bound to an instance and connected (the rule of
 * OSSA-2023-003, bug 2004555): it asks Nova first unless the caller sends a service token.
 */
export class AttachmentDeleteRefusedError extends CinderError {
  static override readonly kind: string = "AttachmentDeleteRefusedError";

  constructor(
    readonly attachmentId: string,
    readonly cause: CinderApiError,
  ) {
    super(
      `Cinder refused to delete attachment ${attachmentId}: it is connected to instance-bound storage, and since ` +
        `OSSA-2023-003 only Nova (or a caller with a service token) may delete such an attachment ` +
        `(${cause.status}${cause.faultMessage ? `: ${cause.faultMessage}` : ""}). Either detach the volume through ` +
        `the Compute API (openstack server remove volume), or configure a service user so that requests carry ` +
        `X-Service-Token (with noauth: pulumi config set cinder:noauthServiceRoles service), then run ` +
        `pulumi destroy --run-program (a plain destroy uses the settings recorded in the state).`,
    );
  }
}

/** The volume reference named no volume, or more than one. */
export class VolumeLookupError extends CinderError {
  static override readonly kind: string = "VolumeLookupError";
}

/** A function's arguments are malformed; the message names the argument. */
export class InvalidArgumentsError extends CinderError {
  static override readonly kind: string = "InvalidArgumentsError";
}

/** An attachment to adopt does not match the resource's other inputs. */
export class AdoptionMismatchError extends CinderError {
  static override readonly kind: string = "AdoptionMismatchError";
}

/** A create failed; what Cinder made on the way was removed again (or never existed). */
export class AttachmentCreateFailedError extends CinderError {
  static override readonly kind: string = "AttachmentCreateFailedError";
}

/** The volume cannot take a new attachment now, and waiting will not change that. */
export class VolumeBusyError extends CinderError {
  static override readonly kind: string = "VolumeBusyError";

  constructor(
    message: string,
    readonly volumeId: string,
    /** The volume's status when the create was refused. */
    readonly volumeStatus: string,
  ) {
    super(message);
  }
}

/** The volume is `reserved` with no attachment holding it, and this caller may not reset it. */
export class StrandedVolumeError extends CinderError {
  static override readonly kind: string = "StrandedVolumeError";

  constructor(
    readonly volumeId: string,
    readonly volumeStatus: string,
    /** The exact command an administrator runs to release it. */
    readonly command: string,
    cause: string,
  ) {
    super(
      `volume ${volumeId} is ${volumeStatus} but no attachment holds it (Cinder reserved it, then failed), and ` +
        `resetting it was refused (${cause}). An administrator can release it with: ${command} ` +
        `; then run the update again`,
    );
  }
}

/** Several new attachments match one create: the provider will not guess which one is its own. */
export class AmbiguousAttachmentError extends CinderError {
  static override readonly kind: string = "AmbiguousAttachmentError";
}
