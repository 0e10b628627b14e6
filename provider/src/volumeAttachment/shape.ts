/**
 * The one definition of a VolumeAttachment's shape: the zod schemas of its inputs and its outputs.
 * The provider's types are inferred from them, the SDK's argument types are mapped over them, and
 * their doc comments are the properties' documentation (the package schema reads them too).
 * Schemas are built on first use, never at module load, so a serialized provider never captures one.
 */
import { z } from "zod";
import { shownValue } from "../errors";
import { connectorSchema } from "../cinder/attachments/connector";
import { once } from "../once";

/** The value the engine passes for inputs not known yet during a preview. */
export const UNKNOWN_VALUE = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

/** An 8-4-4-4-12 hexadecimal ID, the shape of every OpenStack resource ID. */
export const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** A string of hex digits and dashes as long as an ID: meant as an ID, whatever its grouping. */
const LOOKS_LIKE_AN_ID = /^(?=.*-)[0-9a-f-]{32,40}$/i;

/** A UUID-valued string property whose failures name `property`. */
export function uuid(property: string) {
  return z
    .string({ error: (issue) => `${property} must be a string; got ${shownValue(issue.input)}` })
    .regex(UUID_PATTERN, {
      error: (issue) => `${property} ${shownValue(issue.input)} is not a UUID (8-4-4-4-12 hex digits)`,
    });
}

/** The inputs' fields, as given by the user. */
function inputFields() {
  return {
    /**
     * The volume: its ID, or a name that exactly one volume has (resolved as the cinder CLI does).
     * A change replaces the attachment.
     */
    volumeId: z
      .string({ error: "volumeId is required: the volume's ID or its unique name" })
      .min(1, { error: "volumeId is required: the volume's ID or its unique name" })
      .max(255, { error: "volumeId is too long for a volume ID or name (255 characters at most)" })
      .refine((v) => UUID_PATTERN.test(v) || !LOOKS_LIKE_AN_ID.test(v), {
        error: (issue) =>
          `volumeId ${shownValue(issue.input)} looks like an ID but is malformed: a volume ID is 8-4-4-4-12 hex digits`,
      }),
    /** The instance (server) the volume is for; required to reserve without a connector. A change replaces the attachment. */
    instanceUuid: uuid("instanceUuid").optional(),
    /**
     * Where to connect. Without one the attachment only reserves the volume (status `reserved`);
     * adding or changing it later updates the same attachment in place.
     */
    connector: connectorSchema().optional(),
    /** `rw` or `ro` (needs volume API microversion 3.54). A change replaces the attachment. */
    mode: z
      .enum(["rw", "ro"], { error: (issue) => `mode must be "rw" or "ro"; got ${shownValue(issue.input)}` })
      .optional(),
    /**
     * Call os-complete (volume API microversion 3.44) after connecting, so that the volume goes
     * `in-use`. Default: true with a connector where Cinder offers 3.44, false otherwise.
     */
    complete: z
      .boolean({ error: (issue) => `complete must be true or false; got ${shownValue(issue.input)}` })
      .optional(),
    /**
     * Adopt this existing attachment instead of creating one. Once adopted, the stack owns it:
     * destroying the resource deletes it. A change replaces the attachment.
     */
    attachmentId: uuid("attachmentId").optional(),
  };
}

function buildInputsSchema() {
  return z
    .strictObject(inputFields(), {
      error: (issue) =>
        issue.code === "unrecognized_keys"
          ? `unknown propert(ies) ${issue.keys.join(", ")}`
          : "inputs must be an object",
    })
    .superRefine((inputs, ctx) => {
      if (!inputs.connector && !inputs.instanceUuid && !inputs.attachmentId) {
        ctx.addIssue({
          code: "custom",
          path: ["instanceUuid"],
          message: "instanceUuid is required to reserve a volume without a connector: set it, or give a connector",
        });
      }
      if (inputs.complete === true && !inputs.connector) {
        ctx.addIssue({
          code: "custom",
          path: ["complete"],
          message: "complete needs a connector: a reservation cannot be completed; add a connector or drop complete",
        });
      }
    })
    .transform((inputs) => ({
      ...inputs,
      /**
       * Call os-complete (volume API microversion 3.44) after connecting: the input, or its default
       * (true with a connector; `check` makes it false where the server lacks 3.44).
       */
      complete: inputs.complete ?? inputs.connector !== undefined,
    }));
}

/** The schema of VolumeAttachment inputs: validates them and fills defaults. Built once, on first use. */
export const volumeAttachmentInputsSchema = once(buildInputsSchema);

/** What Cinder reports of the attachment, beside the inputs. */
function outputOnlyFields() {
  return {
    /** The attachment's ID. */
    attachmentId: z.string(),
    /** The volume's ID (resolved when `volumeId` was a name). */
    volumeId: z.string(),
    /** The volume's name, when it was attached by name. */
    volumeName: z.string().optional(),
    /** The instance (server) the attachment is for, as Cinder records it; absent when none was given. */
    instanceUuid: z.string().optional(),
    /** The attachment's status: `reserved`, `attaching`, `attached`, ... */
    status: z.string(),
    /** The mode Cinder recorded (`rw`/`ro`): the authority on the mode, over `connectionInfo.access_mode`. */
    attachMode: z.string().optional(),
    /** When Cinder connected the attachment (`attached_at`, set at connect, before os-complete); absent for a reservation. */
    attachedAt: z.string().optional(),
    /** The transport: `iscsi`, `fibre_channel`, `nvmeof`, `rbd`, ... */
    driverVolumeType: z.string().optional(),
    /**
     * The connection info as the driver returned it (keys verbatim: `target_iqn`, `target_portal`,
     * `target_lun`, `auth_method`, `access_mode`, `encrypted`, `qos_specs`, ...), credentials removed.
     */
    connectionInfo: z.record(z.string(), z.unknown()).optional(),
    /** Credentials from the connection info (`auth_username`, `auth_password`, ...). A Pulumi secret. */
    credentials: z.record(z.string(), z.string()).optional(),
  };
}

function buildOutputsSchema() {
  const inputs = inputFields();
  return z.object({
    ...inputs,
    /** Whether the attachment is completed (os-complete, microversion 3.44): the input, or its default. */
    complete: z.boolean(),
    ...outputOnlyFields(),
  });
}

/** The schema of a VolumeAttachment's state: its checked inputs plus what Cinder reported. */
export const volumeAttachmentOutputsSchema = once(buildOutputsSchema);

/** VolumeAttachment inputs as the user gives them (before `check`). */
export type VolumeAttachmentArgsShape = z.input<ReturnType<typeof volumeAttachmentInputsSchema>>;

/** VolumeAttachment inputs as `check` returns them: validated, defaults filled. */
export type VolumeAttachmentInputs = z.output<ReturnType<typeof volumeAttachmentInputsSchema>>;

/** The state of a VolumeAttachment: its inputs plus what Cinder reported. */
export type VolumeAttachmentOutputs = z.output<ReturnType<typeof volumeAttachmentOutputsSchema>>;

/** Access mode of the attachment: read-write or read-only. Needs microversion 3.54. */
export type AttachMode = NonNullable<VolumeAttachmentInputs["mode"]>;

/** A checked connector, as the inputs hold it. */
export type ConnectorInputs = NonNullable<VolumeAttachmentInputs["connector"]>;
