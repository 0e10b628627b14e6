/**
 * Wire shapes of the attachments API (snake_case, as cinder/api/v3/views/attachments.py emits them)
 * and their camelCase domain types. With connector.ts, the only place that knows the wire names.
 *
 * Schemas are built inside functions so that a serialized dynamic provider never captures them.
 */
import { z } from "zod";
import { once } from "../../once";
import { type Page, pageSchema } from "../paging";

/** Attachment statuses Cinder reports (`attach_status`). */
export type AttachmentStatus =
  | "reserved"
  | "attaching"
  | "attached"
  | "detaching"
  | "detached"
  | "error_attaching"
  | "error_detaching"
  | "deleted"
  | (string & {});

/** A Cinder attachment. */
export interface Attachment {
  readonly id: string;
  readonly status: AttachmentStatus;
  readonly volumeId: string;
  /** The instance the volume is attached or reserved for. */
  readonly instanceUuid?: string;
  /** When it was completed; absent when not (Cinder sends `''`). */
  readonly attachedAt?: string;
  readonly detachedAt?: string;
  /** `rw` or `ro` (set at create from 3.54, or from the connector's `mode` before). */
  readonly attachMode?: string;
  /**
   * Connection info as Cinder stores it: the driver's data flattened with `driver_volume_type`
   * (and `attachment_id`). Absent for a reserved attachment. Holds credentials: never log it.
   */
  readonly connectionInfo?: Readonly<Record<string, unknown>>;
}

/** Cinder writes unset dates as `''`. */
function optionalDate() {
  return z
    .union([z.string(), z.null()])
    .optional()
    .transform((value) => (value ? value : undefined));
}

function attachmentWireSchema() {
  return z
    .object({
      id: z.string().min(1),
      status: z.string().min(1),
      volume_id: z.string().min(1),
      instance: z.string().nullish(),
      attached_at: optionalDate(),
      detached_at: optionalDate(),
      attach_mode: z.string().nullish(),
      connection_info: z.record(z.string(), z.unknown()).nullish(),
    })
    .transform((wire): Attachment => ({
      id: wire.id,
      status: wire.status,
      volumeId: wire.volume_id,
      instanceUuid: wire.instance ?? undefined,
      attachedAt: wire.attached_at,
      detachedAt: wire.detached_at,
      // Cinder stores the string "null" when no mode was given at create.
      attachMode: wire.attach_mode && wire.attach_mode !== "null" ? wire.attach_mode : undefined,
      // A reserved attachment has none: Cinder sends null or {}.
      connectionInfo:
        wire.connection_info && Object.keys(wire.connection_info).length > 0 ? wire.connection_info : undefined,
    }));
}

/** `{"attachment": {...}}` */
export const attachmentEnvelopeSchema = once(() =>
  z.object({ attachment: attachmentWireSchema() }).transform((body) => body.attachment),
);

/** `{"attachments": [...], "attachments_links": [...]}`: one page of a list. */
export const attachmentListSchema = once((): z.ZodType<Page<Attachment>> =>
  pageSchema("attachments", attachmentWireSchema()),
);
