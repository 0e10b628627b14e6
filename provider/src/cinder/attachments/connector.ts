/**
 * The connector: where a volume is to be connected (os-brick's connector properties, as
 * python-cinderclient's `--initiator`, `--ip`, `--host`, ... flags send them). Its one definition:
 * the zod schema below, whose doc comments are the connector's documentation everywhere (the
 * inferred types, the SDK's argument types, the package schema).
 */
import { z } from "zod";
import { shownValue } from "../../errors";
import { once } from "../../once";

/** `iqn.` + year-month + reversed domain, then optionally `:` and a unique part that does not end in `:` or `.` (RFC 3720). */
const IQN =
  /^iqn\.\d{4}-(0[1-9]|1[0-2])\.[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*(:\S*[^\s:.])?$/i;
/** `eui.` + 16 hex digits (RFC 3720 EUI-64 format). */
const EUI = /^eui\.[0-9a-f]{16}$/i;
/** `naa.` + 16 or 32 hex digits (RFC 3980 NAA format). */
const NAA = /^naa\.[0-9a-f]{16}([0-9a-f]{16})?$/i;
const NQN = /^nqn\.\d{4}-(0[1-9]|1[0-2])\.[a-z0-9][a-z0-9.-]*:\S*[^\s:.]$/i;
const WWN = /^(?:[0-9a-f]{16}|(?:[0-9a-f]{2}:){7}[0-9a-f]{2})$/i;
const HOSTNAME = /^[a-z0-9_]([a-z0-9_.-]{0,253}[a-z0-9_])?$/i;

/** Wire names of the connector's typed fields (the rest are sent as their own names). */
export const CONNECTOR_WIRE_NAMES = {
  initiator: "initiator",
  ip: "ip",
  host: "host",
  platform: "platform",
  osType: "os_type",
  multipath: "multipath",
  mountpoint: "mountpoint",
  wwpns: "wwpns",
  wwnns: "wwnns",
  nqn: "nqn",
} as const;

/** Wire fields the request builders set themselves (`mode`, the pre-3.54 place of the attach mode). */
export const BUILDER_WIRE_NAMES = ["mode"] as const;

/** Wire fields that `extra` may not set: the typed ones and the builders' own. */
export const RESERVED_WIRE_NAMES: ReadonlySet<string> = new Set([
  ...Object.values(CONNECTOR_WIRE_NAMES),
  ...BUILDER_WIRE_NAMES,
]);

/** Why an iSCSI initiator name is refused. */
function initiatorProblem(value: string): string {
  if (/[:.]$/.test(value)) {
    return (
      `connector.initiator ${shownValue(value)} ends in "${value.slice(-1)}": it looks truncated; ` +
      "copy the whole InitiatorName from /etc/iscsi/initiatorname.iscsi"
    );
  }
  return (
    `connector.initiator ${shownValue(value)} is not an iSCSI name: ` +
    "iqn.YYYY-MM.reversed.domain[:unique-id], eui.<16 hex digits> or naa.<16 or 32 hex digits>"
  );
}

function wwnList(property: string) {
  return z
    .array(
      z.string().refine((wwn) => WWN.test(wwn), {
        error: (issue) => `each of ${property} must be 16 hex digits (colons allowed); got ${shownValue(issue.input)}`,
      }),
      { error: (issue) => `${property} must be a list of WWNs; got ${shownValue(issue.input)}` },
    )
    .min(1, { error: `${property} must name at least one WWN, or be left out` })
    .transform((wwns) => wwns.map((wwn) => wwn.replace(/:/g, "").toLowerCase()));
}

function pattern(property: string, regex: RegExp, expected: string) {
  return z
    .string({ error: (issue) => `${property} must be a string; got ${shownValue(issue.input)}` })
    .refine((value) => regex.test(value), {
      error: (issue) => `${property} ${shownValue(issue.input)} ${expected}`,
    });
}

function buildConnectorSchema() {
  return z.strictObject(
    {
      /** iSCSI initiator name (`--initiator`), e.g. `iqn.1993-08.org.debian:01:cad181614cec` (also `eui.` and `naa.` names). */
      initiator: z
        .string({ error: (issue) => `connector.initiator must be a string; got ${shownValue(issue.input)}` })
        .refine((value) => IQN.test(value) || EUI.test(value) || NAA.test(value), {
          error: (issue) => initiatorProblem(String(issue.input)),
        })
        .optional(),
      /** The host's IP address (`--ip`), IPv4 or IPv6. */
      ip: z
        .union([z.ipv4(), z.ipv6()], {
          error: (issue) => `connector.ip ${shownValue(issue.input)} is not an IPv4 or IPv6 address`,
        })
        .optional(),
      /** The host's name (`--host`). */
      host: pattern("connector.host", HOSTNAME, "is not a host name (letters, digits, '.', '-', '_')").optional(),
      /** CPU platform (`--platform`); default `x86_64`. */
      platform: pattern("connector.platform", /^[a-z0-9_]+$/i, "is not like x86_64 or aarch64").default("x86_64"),
      /** OS type (`--ostype`); default `linux2`. */
      osType: pattern("connector.osType", /^[a-z0-9_]+$/i, "is not like linux2").default("linux2"),
      /** Whether the host connects with multipath (`--multipath`); default false. */
      multipath: z
        .boolean({ error: (issue) => `connector.multipath must be true or false; got ${shownValue(issue.input)}` })
        .default(false),
      /** Device path on the host (`--mountpoint`), e.g. `/dev/vdb`. */
      mountpoint: pattern(
        "connector.mountpoint",
        /^\/\S*$/,
        "is not an absolute device path such as /dev/vdb",
      ).optional(),
      /** Fibre Channel port WWNs, 16 hex digits each (colons allowed; stored lowercase without them). */
      wwpns: wwnList("connector.wwpns").optional(),
      /** Fibre Channel node WWNs, 16 hex digits each. */
      wwnns: wwnList("connector.wwnns").optional(),
      /** NVMe-oF host NQN, e.g. `nqn.2014-08.org.nvmexpress:uuid:<uuid>`. */
      nqn: pattern("connector.nqn", NQN, "is not an NVMe qualified name: nqn.YYYY-MM.reversed.domain:<id>").optional(),
      /** Driver-specific connector fields, sent as given (e.g. `{ do_local_attach: false }`). */
      extra: z
        .record(z.string(), z.union([z.string(), z.number(), z.boolean()]), {
          error: "connector.extra must map field names to strings, numbers or booleans",
        })
        .refine((extra) => Object.keys(extra).every((key) => !RESERVED_WIRE_NAMES.has(key)), {
          error: `connector.extra may not set typed fields (${[...RESERVED_WIRE_NAMES].join(", ")}): use the connector's own properties`,
        })
        .optional(),
    },
    {
      error: (issue) =>
        issue.code === "unrecognized_keys"
          ? `unknown connector field(s) ${issue.keys.join(", ")}: use the typed fields, or put driver-specific ones in connector.extra`
          : `connector must be an object; got ${shownValue(issue.input)}`,
    },
  );
}

/** The connector's schema: validates a connector and fills its defaults. Built on first use. */
export const connectorSchema = once(buildConnectorSchema);

/** A connector as given, before validation (defaults not yet filled). */
export type ConnectorInput = z.input<ReturnType<typeof connectorSchema>>;

/** A validated connector, defaults filled. */
export type CheckedConnector = z.output<ReturnType<typeof connectorSchema>>;

/** A connector as the requests send it: any of the fields (Cinder's drivers say which they need). */
export type Connector = Readonly<Partial<CheckedConnector>>;

/**
 * The connector as Cinder takes it. `mode` (`rw`/`ro`) goes inside the connector, where Cinder's
 * attachment-update reads it (the create's own `mode` field needs 3.54 and exists only there).
 */
export function toWireConnector(connector: Connector, mode?: "rw" | "ro"): Record<string, unknown> {
  const wire: Record<string, unknown> = { ...connector.extra };
  for (const [field, wireName] of Object.entries(CONNECTOR_WIRE_NAMES)) {
    const value = connector[field as keyof typeof CONNECTOR_WIRE_NAMES];
    if (value !== undefined) {
      wire[wireName] = value;
    }
  }
  if (mode !== undefined) wire.mode = mode;
  return wire;
}
