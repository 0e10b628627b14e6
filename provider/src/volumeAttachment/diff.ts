/**
 * What a change of inputs means for the attachment: a new connector (or completing) is an in-place
 * attachment-update; a new volume, instance, mode or adopted attachment is a replacement.
 */
import { UUID_PATTERN } from "./shape";
import type { VolumeAttachmentInputs, VolumeAttachmentOutputs } from "./shape";

/** One changed property path (`volumeId`, `connector.initiator`): added, deleted or updated, and whether it replaces. */
export interface PropertyChange {
  path: string;
  kind: "add" | "delete" | "update";
  replace: boolean;
}

/** The plan for one resource, before deciding the replacement order. */
export interface AttachmentDiffPlan {
  /** Properties that changed. */
  changes: string[];
  /** What changed, by property path (the connector by field), for detailed diffs. */
  details: PropertyChange[];
  /** Properties whose change needs a new attachment. */
  replaces: string[];
  /** Whether the replacement attaches the same volume again (order then matters). */
  sameVolume: boolean;
}

/** Compares the state with new inputs. Pure: no I/O. */
export function planDiff(olds: VolumeAttachmentOutputs, news: VolumeAttachmentInputs): AttachmentDiffPlan {
  const changes: string[] = [];
  const replaces: string[] = [];
  const sameVolume =
    news.volumeId === olds.volumeId || (!UUID_PATTERN.test(news.volumeId) && news.volumeId === olds.volumeName);
  if (!sameVolume) {
    changes.push("volumeId");
    replaces.push("volumeId");
  }
  if ((news.instanceUuid ?? "") !== (olds.instanceUuid ?? "")) {
    changes.push("instanceUuid");
    replaces.push("instanceUuid");
  }
  // Cinder attaches read-write unless told otherwise: leaving the mode out and "rw" are one mode.
  if ((news.mode ?? "rw") !== (olds.mode ?? "rw")) {
    changes.push("mode");
    replaces.push("mode");
  }
  if (news.attachmentId !== undefined && news.attachmentId !== olds.attachmentId) {
    changes.push("attachmentId");
    replaces.push("attachmentId");
  }
  if (!deepEqual(news.connector, olds.connector)) {
    changes.push("connector");
    // Cinder cannot take a connector back: dropping it means a new reservation.
    if (news.connector === undefined) {
      replaces.push("connector");
    }
  }
  if (news.complete !== olds.complete) {
    changes.push("complete");
  }
  return { changes, replaces, sameVolume, details: detailsOf(olds, news, changes, replaces) };
}

/** The changed properties by path: the connector's fields one by one, unless it is added or dropped whole. */
function detailsOf(
  olds: VolumeAttachmentOutputs,
  news: VolumeAttachmentInputs,
  changes: readonly string[],
  replaces: readonly string[],
): PropertyChange[] {
  const details: PropertyChange[] = [];
  for (const key of changes) {
    const replace = replaces.includes(key);
    const before = (olds as Record<string, unknown>)[key];
    const after = (news as Record<string, unknown>)[key];
    if (key === "connector" && isObject(before) && isObject(after)) {
      details.push(...fieldChanges("connector", before, after, replace));
    } else {
      details.push({ path: key, kind: kindOf(before, after), replace });
    }
  }
  return details;
}

function fieldChanges(
  prefix: string,
  before: Record<string, unknown>,
  after: Record<string, unknown>,
  replace: boolean,
): PropertyChange[] {
  const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
  return keys
    .filter((key) => !deepEqual(before[key], after[key]))
    .map((key) => ({ path: `${prefix}.${key}`, kind: kindOf(before[key], after[key]), replace }));
}

function kindOf(before: unknown, after: unknown): PropertyChange["kind"] {
  if (before === undefined) return "add";
  if (after === undefined) return "delete";
  return "update";
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Structural equality of JSON-like values, ignoring keys whose value is undefined. */
export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) || Array.isArray(b)) {
    return Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((v, i) => deepEqual(v, b[i]));
  }
  if (a === null || b === null || typeof a !== "object" || typeof b !== "object") return false;
  const definedKeys = (o: object) =>
    Object.entries(o)
      .filter(([, v]) => v !== undefined)
      .map(([k]) => k)
      .sort();
  const keysA = definedKeys(a);
  const keysB = definedKeys(b);
  return (
    deepEqual(keysA, keysB) &&
    keysA.every((k) => deepEqual((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]))
  );
}
