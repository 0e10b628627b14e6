/**
 * What a change of inputs means for the attachment: a new connector (or completing) is an in-place
 * attachment-update; a new volume, instance, mode or adopted attachment is a replacement.
 */
import { UUID_PATTERN } from "./shape";
import type { VolumeAttachmentInputs, VolumeAttachmentOutputs } from "./shape";

/** The plan for one resource, before deciding the replacement order. */
export interface AttachmentDiffPlan {
  /** Properties that changed. */
  changes: string[];
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
  return { changes, replaces, sameVolume };
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
