/**
 * Block Storage API microversions ("3.27", "3.44", ...): parsing, ordering and the versions that
 * gate features this provider uses.
 */

/** A volume API microversion, `major.minor`. */
export interface Microversion {
  readonly major: number;
  readonly minor: number;
}

/** The attachments API (attach/detach V2) appeared in 3.27. */
export const ATTACHMENTS_API = microversion("3.27");
/** `os-complete` on an attachment appeared in 3.44. */
export const ATTACHMENT_COMPLETE = microversion("3.44");
/** The `mode` field of attachment-create appeared in 3.54. */
export const ATTACHMENT_MODE = microversion("3.54");

/**
 * Parses `"3.27"` into a {@link Microversion}.
 * @throws Error when the text is not `<major>.<minor>`.
 */
export function microversion(text: string): Microversion {
  const match = /^(\d+)\.(\d+)$/.exec(text.trim());
  if (!match) {
    throw new Error(`"${text}" is not a microversion; expected <major>.<minor>, e.g. "3.44"`);
  }
  return { major: Number(match[1]), minor: Number(match[2]) };
}

/** Orders two microversions: negative when `a < b`, zero when equal, positive when `a > b`. */
export function compareMicroversions(a: Microversion, b: Microversion): number {
  return a.major !== b.major ? a.major - b.major : a.minor - b.minor;
}

/** The lower of two microversions. */
export function minMicroversion(a: Microversion, b: Microversion): Microversion {
  return compareMicroversions(a, b) <= 0 ? a : b;
}

/** `"3.27"` */
export function formatMicroversion(v: Microversion): string {
  return `${v.major}.${v.minor}`;
}
