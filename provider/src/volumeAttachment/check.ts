/**
 * `check`: validates raw inputs against the resource's schema (shape.ts) and fills defaults. Every
 * failure names the property and says how to fix it; nothing here talks to Cinder.
 */
import { UNKNOWN_VALUE, type VolumeAttachmentInputs, volumeAttachmentInputsSchema } from "./shape";

/** One `check` failure, as the provider protocols report it. */
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
