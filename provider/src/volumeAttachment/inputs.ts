/**
 * User inputs: the zod schema of VolumeAttachment's properties and the `check` logic built on it.
 * Every failure names the property and says how to fix it; nothing here talks to Cinder.
 */
import { z } from "zod";
import { once } from "../once";
import { CONNECTOR_WIRE_NAMES } from "../cinder/attachments/schemas";
import type { VolumeAttachmentInputs } from "./types";

/** The value the engine passes for inputs not known yet during a preview. */
export const UNKNOWN_VALUE = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

/** An 8-4-4-4-12 hexadecimal ID, the shape of every OpenStack resource ID. */
export const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** A string of hex digits and dashes as long as an ID: meant as an ID, whatever its grouping. */
const LOOKS_LIKE_AN_ID = /^(?=.*-)[0-9a-f-]{32,40}$/i;
const IQN = /^iqn\.\d{4}-\d{2}\.[a-z0-9][a-z0-9.-]*(:[^\s]+)?$/i;
const EUI = /^eui\.[0-9a-f]{16}$/i;
const NAA = /^naa\.[0-9a-f]{16}([0-9a-f]{16})?$/i;
const NQN = /^nqn\.\d{4}-\d{2}\.[a-z0-9][a-z0-9.-]*:\S+$/i;
const WWN = /^(?:[0-9a-f]{16}|(?:[0-9a-f]{2}:){7}[0-9a-f]{2})$/i;
const HOSTNAME = /^[a-z0-9_]([a-z0-9_.-]{0,253}[a-z0-9_])?$/i;

/** A connector field of the wire that `extra` may not override. */
const TYPED_WIRE_NAMES: ReadonlySet<string> = new Set(Object.values(CONNECTOR_WIRE_NAMES));

function uuid(property: string) {
  return z
    .string({ error: `${property} must be a string` })
    .regex(UUID_PATTERN, { error: `${property} must be a UUID like 8-4-4-4-12 hex digits` });
}

function wwnList(property: string) {
  return z
    .array(z.string().regex(WWN, { error: `each of ${property} must be 16 hex digits (colons allowed)` }))
    .min(1, { error: `${property} must name at least one WWN, or be left out` })
    .transform((wwns) => wwns.map((wwn) => wwn.replace(/:/g, "").toLowerCase()));
}

function connectorSchema() {
  return z.strictObject(
    {
      initiator: z
        .string()
        .refine((v) => IQN.test(v) || EUI.test(v) || NAA.test(v), {
          error:
            "connector.initiator must be an iSCSI name: iqn.YYYY-MM.reversed.domain[:id], eui.<16 hex> or naa.<hex>",
        })
        .optional(),
      ip: z.union([z.ipv4(), z.ipv6()], { error: "connector.ip must be an IPv4 or IPv6 address" }).optional(),
      host: z
        .string()
        .regex(HOSTNAME, { error: "connector.host must be a host name (letters, digits, '.', '-', '_')" })
        .optional(),
      platform: z
        .string()
        .regex(/^[a-z0-9_]+$/i, { error: "connector.platform must be like x86_64 or aarch64" })
        .default("x86_64"),
      osType: z
        .string()
        .regex(/^[a-z0-9_]+$/i, { error: "connector.osType must be like linux2" })
        .default("linux2"),
      multipath: z.boolean({ error: "connector.multipath must be true or false" }).default(false),
      mountpoint: z
        .string()
        .regex(/^\/\S*$/, { error: "connector.mountpoint must be an absolute device path such as /dev/vdb" })
        .optional(),
      wwpns: wwnList("connector.wwpns").optional(),
      wwnns: wwnList("connector.wwnns").optional(),
      nqn: z
        .string()
        .regex(NQN, { error: "connector.nqn must be an NVMe qualified name: nqn.YYYY-MM.reversed.domain:<id>" })
        .optional(),
      extra: z
        .record(z.string(), z.union([z.string(), z.number(), z.boolean()]), {
          error: "connector.extra must map field names to strings, numbers or booleans",
        })
        .refine((extra) => Object.keys(extra).every((key) => !TYPED_WIRE_NAMES.has(key)), {
          error: `connector.extra may not set typed fields (${[...TYPED_WIRE_NAMES].join(", ")}): use the connector's own properties`,
        })
        .optional(),
    },
    {
      error: (issue) =>
        issue.code === "unrecognized_keys"
          ? `unknown connector field(s) ${issue.keys.join(", ")}: use the typed fields, or put driver-specific ones in connector.extra`
          : "connector must be an object",
    },
  );
}

/**
 * The schema of VolumeAttachment inputs. Built on first use (never at module load, so a serialized
 * provider never captures it), then reused: building it costs far more than a parse.
 */
export const volumeAttachmentInputsSchema = once(buildInputsSchema);

function buildInputsSchema() {
  return z
    .strictObject(
      {
        volumeId: z
          .string({ error: "volumeId is required: the volume's ID or its unique name" })
          .min(1, { error: "volumeId is required: the volume's ID or its unique name" })
          .max(255, { error: "volumeId is too long for a volume ID or name (255 characters at most)" })
          .refine((v) => UUID_PATTERN.test(v) || !LOOKS_LIKE_AN_ID.test(v), {
            error: "volumeId looks like an ID but is malformed: a volume ID is 8-4-4-4-12 hex digits",
          }),
        instanceUuid: uuid("instanceUuid").optional(),
        connector: connectorSchema().optional(),
        mode: z.enum(["rw", "ro"], { error: 'mode must be "rw" or "ro"' }).optional(),
        complete: z.boolean({ error: "complete must be true or false" }).optional(),
        attachmentId: uuid("attachmentId").optional(),
      },
      {
        error: (issue) =>
          issue.code === "unrecognized_keys"
            ? `unknown propert(ies) ${issue.keys.join(", ")}`
            : "inputs must be an object",
      },
    )
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
    .transform((inputs): VolumeAttachmentInputs => ({
      ...inputs,
      complete: inputs.complete ?? inputs.connector !== undefined,
    }));
}

/** One `check` failure, as the dynamic provider protocol reports it. */
export interface CheckFailure {
  property: string;
  reason: string;
}

/** The result of {@link checkInputs}. */
export interface CheckResult {
  inputs: VolumeAttachmentInputs;
  failures: CheckFailure[];
}

/**
 * Validates raw inputs and fills defaults. Values not known yet in a preview pass unchecked; they are
 * checked again once known.
 */
export function checkInputs(news: Record<string, unknown>): CheckResult {
  const result = volumeAttachmentInputsSchema().safeParse(withoutUndefined(news));
  if (result.success) {
    return { inputs: result.data, failures: [] };
  }
  const failures = result.error.issues
    .filter((issue) => !isUnknownAt(news, issue.path))
    .map((issue) => ({ property: issue.path.map(String).join(".") || "(inputs)", reason: issue.message }));
  return { inputs: news as unknown as VolumeAttachmentInputs, failures };
}

/** Pulumi sends absent optional inputs as absent or undefined; treat both alike. */
function withoutUndefined(value: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined));
}

function isUnknownAt(root: unknown, path: readonly PropertyKey[]): boolean {
  let current: unknown = root;
  for (const key of path) {
    if (current === UNKNOWN_VALUE) return true;
    if (current === null || typeof current !== "object") return false;
    current = (current as Record<PropertyKey, unknown>)[key];
  }
  return current === UNKNOWN_VALUE;
}
