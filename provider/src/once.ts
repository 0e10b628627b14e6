/** Builds on first use, then returns the same value: a zod schema costs far more to build than to parse with. */
export function once<T>(build: () => T): () => T {
  let value: T | undefined;
  return () => (value ??= build());
}
