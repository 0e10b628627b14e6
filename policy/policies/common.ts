/**
 * Shared pieces of the volume attachment policies: which resources are attachments (either type token),
 * reading their properties safely, compiling configured patterns, and phrasing violations the same way
 * everywhere.
 *
 * Policies read `args.props` as untyped data on purpose: the engine hands analyzers the inputs after
 * the provider's `check` (defaults filled), or, in stack validation, the outputs, and in a preview any
 * of them may be unknown. Nothing here trusts a value's type without looking.
 */
import * as policySdk from "@pulumi/policy";
import type { PolicyResource, ResourceValidation, StackValidation } from "@pulumi/policy";
import { VolumeAttachment } from "../../sdk/volumeAttachment";

/**
 * Runtime exports of `@pulumi/policy` (1.21) that its typings leave out (they are marked internal):
 * the error a policy gets when it reads a value unknown in a preview, and the proxy that throws it.
 */
export interface PolicyInternals {
  UnknownValueError: abstract new (...args: never[]) => Error;
  unknownCheckingProxy<T extends object>(value: T): T;
}

/** {@link PolicyInternals}, typed. */
export const policyInternals: PolicyInternals = policySdk;

/** The type token the engine reports for a {@link VolumeAttachment}: `pulumi-nodejs:dynamic/cinder:VolumeAttachment`. */
export const VOLUME_ATTACHMENT_TYPE: string = VolumeAttachment.__pulumiType;

/**
 * The type token of the resource plugin's attachment (`pulumi-resource-cinder`, package `cinder`), as
 * its package schema declares it. Its inputs and outputs have the dynamic resource's shape.
 */
export const PLUGIN_VOLUME_ATTACHMENT_TYPE = "cinder:index:VolumeAttachment";

/**
 * Every type token that is a volume attachment: the one definition of which resources the pack judges.
 * Both carry the same props (provider/src/volumeAttachment/shape.ts), so every policy judges them alike.
 */
export const VOLUME_ATTACHMENT_TYPES: ReadonlySet<string> = new Set([
  VOLUME_ATTACHMENT_TYPE,
  PLUGIN_VOLUME_ATTACHMENT_TYPE,
]);

/** True when `type` (a resource's type token, `args.type`) is a volume attachment of either face. */
export function isVolumeAttachment(type: string): boolean {
  return VOLUME_ATTACHMENT_TYPES.has(type);
}

/** Why a policy of the pack does not apply to a resource of another type. */
export const NOT_AN_ATTACHMENT = `Policy only applies to volume attachments (${[...VOLUME_ATTACHMENT_TYPES]
  .map((type) => `'${type}'`)
  .join(", ")})`;

/**
 * A resource validation for volume attachments of either type (`validateResourceOfType` matches one
 * class, hence one token): other resources are not applicable.
 */
export function validateAttachment(validate: ResourceValidation): ResourceValidation {
  return (args, reportViolation) => {
    if (!isVolumeAttachment(args.type)) args.notApplicable(NOT_AN_ATTACHMENT);
    return validate(args, reportViolation);
  };
}

/**
 * A stack validation over the stack's volume attachments of either type (`args.resources` holds only
 * them); not applicable to a stack without any.
 */
export function validateAttachments(validate: StackValidation): StackValidation {
  return (args, reportViolation) => {
    const resources = args.resources.filter((resource) => isVolumeAttachment(resource.type));
    if (resources.length === 0) args.notApplicable(NOT_AN_ATTACHMENT);
    return validate({ ...args, resources }, reportViolation);
  };
}

/** Resource properties as a policy receives them (secrets already unwrapped by `@pulumi/policy`). */
export type Props = Readonly<Record<string, unknown>>;

/** A string property, or undefined when absent or not a string. Throws `UnknownValueError` when unknown. */
export function str(props: Props | undefined, key: string): string | undefined {
  const value = props?.[key];
  return typeof value === "string" ? value : undefined;
}

/** A boolean property, or undefined when absent or not a boolean. Throws `UnknownValueError` when unknown. */
export function bool(props: Props | undefined, key: string): boolean | undefined {
  const value = props?.[key];
  return typeof value === "boolean" ? value : undefined;
}

/** An object property, or undefined when absent or not a plain object. Throws `UnknownValueError` when unknown. */
export function obj(props: Props | undefined, key: string): Props | undefined {
  const value = props?.[key];
  return value !== null && typeof value === "object" && !Array.isArray(value) ? (value as Props) : undefined;
}

/** The attachment's connector (present for a full attach, absent for a reservation). */
export function connectorOf(props: Props): Props | undefined {
  return obj(props, "connector");
}

/** The connector's host name, lowercased (host names are case-insensitive). */
export function connectorHost(props: Props): string | undefined {
  return str(connectorOf(props), "host")?.toLowerCase();
}

/** True when `err` is the `@pulumi/policy` error for reading a value not known until the update. */
export function isUnknownValueError(err: unknown): boolean {
  return err instanceof policyInternals.UnknownValueError;
}

/**
 * Runs `read`, returning undefined instead of throwing when it touches a value that is unknown in a
 * preview. Stack policies use it per resource, so one unknown value does not stop the whole check.
 */
export function ifKnown<T>(read: () => T): T | undefined {
  try {
    return read();
  } catch (err) {
    if (isUnknownValueError(err)) return undefined;
    throw err;
  }
}

/** A value as violation messages show it: JSON, or `(not set)`. */
export function show(value: unknown): string {
  return value === undefined ? "(not set)" : JSON.stringify(value);
}

/** The parts every violation message has. */
export interface Violation {
  /** The resource's name in the program. */
  resource: string;
  /** The property, as a path from the resource's inputs or outputs (`connector.host`). */
  property: string;
  /** The value found, already formatted with {@link show} (or a description of it). */
  found: string;
  /** What is wrong with it. */
  problem: string;
  /** How to fix it. */
  fix: string;
}

/**
 * Phrases a violation: `VolumeAttachment "data": connector.host is "db-9": <problem>. Fix: <fix>.`
 * Every policy in the pack uses this shape, so messages name the resource, property, value and fix.
 */
export function message(v: Violation): string {
  return `VolumeAttachment "${v.resource}": ${v.property} is ${v.found}: ${v.problem}. Fix: ${v.fix}.`;
}

/** A configured pattern as a JavaScript regular expression literal: `/\/dev\/vda/`. */
function showPattern(pattern: string): string {
  try {
    return String(new RegExp(pattern));
  } catch {
    return `/${pattern}/`;
  }
}

/** Configured names and patterns as messages show them: `"a", "b", /c-\d+/`, or `(none)`. */
export function showRules(names: readonly string[], patterns: readonly string[]): string {
  const rules = [...names.map((name) => JSON.stringify(name)), ...patterns.map(showPattern)];
  return rules.length === 0 ? "(none)" : rules.join(", ");
}

/** Configured patterns, compiled to match whole values. */
export interface PatternSet {
  /** The patterns as configured. */
  readonly sources: readonly string[];
  /** True when `value` matches one of them entirely. */
  test(value: string): boolean;
}

/**
 * Compiles configured regular expressions (JavaScript syntax) so each must match the whole value.
 * @param policy the policy's name, for the error message.
 * @param key the config key the patterns come from.
 * @param patterns the configured patterns.
 * @param ignoreCase match case-insensitively (host names).
 * @throws Error naming the policy, key and pattern when a pattern does not compile.
 */
export function patterns(policy: string, key: string, patterns: readonly string[], ignoreCase = false): PatternSet {
  const compiled = patterns.map((source) => {
    try {
      return new RegExp(`^(?:${source})$`, ignoreCase ? "i" : "");
    } catch (err) {
      const reason = err instanceof Error ? err.message : String(err);
      throw new Error(`policy ${policy}: config ${key} has an invalid regular expression ${show(source)}: ${reason}`);
    }
  });
  return { sources: patterns, test: (value) => compiled.some((re) => re.test(value)) };
}

/** A VolumeAttachment in a stack, as stack policies use it. */
export interface StackAttachment {
  /** The resource as the engine gave it. */
  readonly resource: PolicyResource;
  /** Its name in the program. */
  readonly name: string;
  /** Its URN, for reporting the violation against it. */
  readonly urn: string;
  /** `volumeId` (an ID once created; as given, maybe a name, in a preview). */
  readonly volumeId: string;
  /** Every way the stack refers to the volume: `volumeId` and, once known, `volumeName`. */
  readonly volumeKeys: readonly string[];
  /** `mode` as given (`rw`, `ro` or absent). */
  readonly mode?: string;
  /** The host the volume goes to: connector host/IP/initiator/NQN, else the instance; undefined if none. */
  readonly host?: string;
}

/**
 * The VolumeAttachments of a stack whose `volumeId` is known. In a preview, attachments whose volume
 * comes from a resource not created yet are left out; stack policies check them again after `up`.
 */
export function stackAttachments(resources: readonly PolicyResource[]): StackAttachment[] {
  const result: StackAttachment[] = [];
  for (const resource of resources) {
    const props = resource.props as Props;
    const volumeId = ifKnown(() => str(props, "volumeId"));
    if (volumeId === undefined) continue;
    const volumeName = ifKnown(() => str(props, "volumeName"));
    result.push({
      resource,
      name: resource.name,
      urn: resource.urn,
      volumeId,
      volumeKeys: volumeName !== undefined && volumeName !== volumeId ? [volumeId, volumeName] : [volumeId],
      mode: ifKnown(() => str(props, "mode")),
      host: ifKnown(() => hostIdentity(props)),
    });
  }
  return result;
}

/** Who receives the volume: the connector's host (or IP, initiator, NQN), else `instance <uuid>`. */
export function hostIdentity(props: Props): string | undefined {
  const connector = connectorOf(props);
  for (const key of ["host", "ip", "initiator", "nqn"]) {
    const value = str(connector, key);
    if (value !== undefined && value !== "") return value.toLowerCase();
  }
  const instance = str(props, "instanceUuid");
  return instance === undefined ? undefined : `instance ${instance.toLowerCase()}`;
}

/**
 * Attachments grouped by the volume they target (`volumeId` as the stack gives it), each group sorted
 * by resource name: the engine's resource order varies between runs, messages should not.
 */
export function byVolume(attachments: readonly StackAttachment[]): Map<string, StackAttachment[]> {
  const groups = new Map<string, StackAttachment[]>();
  const sorted = [...attachments].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const attachment of sorted) {
    const group = groups.get(attachment.volumeId) ?? [];
    group.push(attachment);
    groups.set(attachment.volumeId, group);
  }
  return groups;
}

/** Every ID and name by which a group of attachments refers to its volume. */
export function volumeKeys(group: readonly StackAttachment[]): string[] {
  return [...new Set(group.flatMap((attachment) => attachment.volumeKeys))];
}

/** True when one of the volume's keys (ID or name) is in `names` or matches `set`. */
export function volumeListed(keys: readonly string[], names: readonly string[], set: PatternSet): boolean {
  return keys.some((key) => names.includes(key) || set.test(key));
}
