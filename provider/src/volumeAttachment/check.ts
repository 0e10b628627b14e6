/**
 * `check`: validates raw inputs against the resource's schema (shape.ts), decides the microversion
 * gates and fills defaults. Every failure names the property and says how to fix it; nothing here
 * talks to Cinder (the caller gives what the server offers, see {@link Capabilities}).
 */
import { ATTACHMENT_COMPLETE, ATTACHMENT_MODE, formatMicroversion } from "../cinder/microversion";
import { shownValue } from "../errors";
import { UNKNOWN_VALUE, type VolumeAttachmentInputs, volumeAttachmentInputsSchema } from "./shape";

/** What the Cinder at hand offers, as far as the inputs' gates go (from its version discovery). */
export interface Capabilities {
  /** The highest microversion both sides accept, e.g. `3.44` (the server's, or maxMicroversion). */
  readonly maxMicroversion: string;
  /** os-complete (3.44). */
  readonly complete: boolean;
  /** The create's `mode` (3.54). */
  readonly mode: boolean;
}

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

/** True when the gates of these (valid) inputs depend on what the server offers. */
export function needsCapabilities(inputs: VolumeAttachmentInputs): boolean {
  return inputs.connector !== undefined || inputs.mode !== undefined;
}

/**
 * The gates' result where the previous check of the same resource decided them already: `olds`, the
 * inputs the engine recorded, had a mode (3.54 was there) or were to complete (3.44 was there), and
 * the new inputs need no more than that. Then Cinder is not asked again, so a preview that changes
 * nothing sends nothing. Undefined when a gate is still open.
 */
export function gatesPassedBefore(
  news: Record<string, unknown>,
  inputs: VolumeAttachmentInputs,
  olds: Record<string, unknown> | undefined,
): CheckResult | undefined {
  if (!olds) return undefined;
  const completeNeeded = news.complete === true || (news.complete === undefined && inputs.connector !== undefined);
  if (completeNeeded && olds.complete !== true) return undefined;
  if (inputs.mode !== undefined && olds.mode === undefined) return undefined;
  const complete = news.complete === undefined ? inputs.connector !== undefined : inputs.complete;
  return { inputs: { ...inputs, complete }, failures: [] };
}

/**
 * Validates raw inputs and fills defaults. Values not known yet in a preview pass unchecked; they are
 * checked again once known. With `capabilities`, a feature the server lacks fails here, before any
 * write, and `complete` defaults to true only where os-complete exists (3.44).
 */
export function checkInputs(news: Record<string, unknown>, capabilities?: Capabilities): CheckResult {
  const result = volumeAttachmentInputsSchema().safeParse(withoutUndefined(news));
  if (result.success) {
    return withGates(news, result.data, capabilities);
  }
  const failures = result.error.issues
    .filter((issue) => !isUnknownAt(news, issue.path))
    .map((issue) => ({ property: issue.path.map(String).join(".") || "(inputs)", reason: issue.message }));
  return { inputs: news as unknown as VolumeAttachmentInputs, failures };
}

/**
 * Decides the microversion gates and the default of `complete` for inputs the schema accepted
 * (`news` as given, `inputs` as parsed): {@link checkInputs} with capabilities, without parsing again.
 */
export function withGates(
  news: Record<string, unknown>,
  inputs: VolumeAttachmentInputs,
  caps?: Capabilities,
): CheckResult {
  if (!caps) return { inputs, failures: [] };
  const failures: CheckFailure[] = [];
  const offered = `this Cinder offers up to ${caps.maxMicroversion} (its maximum, or maxMicroversion)`;
  if (inputs.mode !== undefined && !caps.mode) {
    failures.push({
      property: "mode",
      reason: `mode ${shownValue(inputs.mode)} needs volume API microversion ${formatMicroversion(ATTACHMENT_MODE)}, but ${offered}: leave mode out, or raise maxMicroversion`,
    });
  }
  const explicitComplete = news.complete === true;
  if (explicitComplete && !caps.complete) {
    failures.push({
      property: "complete",
      reason: `complete needs volume API microversion ${formatMicroversion(ATTACHMENT_COMPLETE)} (os-complete), but ${offered}: leave complete out (below ${formatMicroversion(ATTACHMENT_COMPLETE)} the attachment stays attaching), or raise maxMicroversion`,
    });
  }
  const complete = news.complete === undefined ? inputs.connector !== undefined && caps.complete : inputs.complete;
  return { inputs: { ...inputs, complete }, failures };
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
