/** schema.json's text: deterministic, so that a regenerated schema differs only where the code does. */

/** `value` with every object's keys sorted (arrays keep their order: theirs is meaningful or already sorted). */
function sortedKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortedKeys);
  if (value !== null && typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined);
    return Object.fromEntries(
      entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([k, v]) => [k, sortedKeys(v)]),
    );
  }
  return value;
}

/** 2-space JSON with sorted keys and a trailing newline. */
export function serializeSchema(schema: unknown): string {
  return `${JSON.stringify(sortedKeys(schema), null, 2)}\n`;
}
