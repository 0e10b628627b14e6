/**
 * The root of every error this package throws. Each class has a stable `name` (its `kind`, spelled
 * out, so that bundling or minifying cannot change it) and a static `isInstance` that, like
 * `@pulumi/pulumi`'s errors, recognises an error of the class also when it comes from another copy
 * of the package (where `instanceof` fails).
 */

/** The shape `isInstance` looks for: the kinds of an error's class and of its ancestors. */
export interface Branded {
  /** The kinds of the error's class and its ancestors. */
  readonly __providerErrorKinds: readonly string[];
}

/** A class of {@link ProviderError}, as `isInstance` sees it. */
export interface ErrorClass<T> {
  /** The class's stable name. */
  readonly kind: string;
  /** Its instances' prototype. */
  readonly prototype: T;
}

/** Base of every error of this package. */
export class ProviderError extends Error implements Branded {
  /** The class's stable name: subclasses set their own. */
  static readonly kind: string = "ProviderError";

  /** The kinds of this error's class and its ancestors, most specific first. */
  readonly __providerErrorKinds: readonly string[];

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    const kinds: string[] = [];
    for (let c: unknown = new.target; isErrorClass(c); c = Object.getPrototypeOf(c)) {
      if (kinds[kinds.length - 1] !== c.kind) kinds.push(c.kind);
    }
    this.__providerErrorKinds = kinds;
    this.name = kinds[0] ?? "ProviderError";
  }

  /** True when `obj` is an error of this class or a subclass, from any copy of the package. */
  static isInstance<T>(this: ErrorClass<T>, obj: unknown): obj is T {
    if (obj === null || typeof obj !== "object") return false;
    const kinds = (obj as Partial<Branded>).__providerErrorKinds;
    return Array.isArray(kinds) && kinds.includes(this.kind);
  }
}

function isErrorClass(value: unknown): value is ErrorClass<ProviderError> {
  return typeof value === "function" && typeof (value as { kind?: unknown }).kind === "string";
}

/** The message of anything thrown: an error's message, or the value as text. */
export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** A value as a message shows what was given: JSON (`"text"`, `12`, `{"a":1}`), or its text. */
export function shownValue(value: unknown): string {
  return JSON.stringify(value) ?? String(value);
}

/** Appends advice to an error's message (and the first line of its stack), once, and returns it. */
export function withAdvice<E extends Error>(err: E, advice: string): E {
  const before = err.message;
  // Once: a failed connect is advised where it happens, and again as the operation's failure.
  if (before.includes(`; ${advice}`)) return err;
  err.message = `${before}; ${advice}`;
  if (err.stack?.includes(before)) err.stack = err.stack.replace(before, err.message);
  return err;
}
