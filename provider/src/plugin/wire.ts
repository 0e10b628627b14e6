/**
 * Property values between the Pulumi wire (protobuf Structs with the engine's special values) and
 * the plain values the core takes, through the SDK's own (de)serialisation helpers. Secrets are
 * unwrapped for the core and wrapped again, by top-level key, on the way out; a value not known yet
 * (a preview) reaches the core as the engine's unknown string, as the dynamic provider's host gives it.
 */
import type * as OutputModule from "@pulumi/pulumi/output";
import type * as RpcModule from "@pulumi/pulumi/runtime/rpc";
import type * as StructPb from "google-protobuf/google/protobuf/struct_pb";
import type { Struct } from "google-protobuf/google/protobuf/struct_pb";

/** Plain property values and the top-level keys that are secret. */
export interface Properties {
  readonly values: Record<string, unknown>;
  readonly secrets: ReadonlySet<string>;
}

type Rpc = typeof RpcModule;
type Output = typeof OutputModule;
type StructModule = typeof StructPb;

let sdk: Promise<{ rpc: Rpc; output: Output; struct: StructModule }> | undefined;

/** The SDK's helpers, loaded on first use (or by {@link preloadWire}): the plugin serves its first requests without them. */
function helpers() {
  sdk ??= Promise.all([
    import("@pulumi/pulumi/runtime/rpc"),
    import("@pulumi/pulumi/output"),
    import("google-protobuf/google/protobuf/struct_pb"),
  ]).then(([rpc, output, struct]) => ({
    rpc: commonJs(rpc, "deserializeProperties"),
    output: commonJs(output, "isUnknown"),
    struct: commonJs(struct, "Struct"),
  }));
  return sdk;
}

/** Starts loading the SDK's helpers in the background. */
export function preloadWire(): void {
  helpers().catch(() => undefined);
}

/** A CommonJS module's exports (`probe` is one of them), whichever way `import()` wrapped them (TypeScript's or the bundler's). */
function commonJs<T extends object>(module: T, probe: keyof T): T {
  return probe in module ? module : (module as unknown as { default: T }).default;
}

/** The plain values of a Struct from the engine, and which keys were secret. */
export async function fromWire(struct: Struct | undefined): Promise<Properties> {
  const values: Record<string, unknown> = {};
  const secrets = new Set<string>();
  if (!struct) return { values, secrets };
  const { rpc, output } = await helpers();
  const deserialized: Record<string, unknown> = rpc.deserializeProperties(struct, true);
  for (const [key, value] of Object.entries(deserialized)) {
    if (rpc.isRpcSecret(value)) secrets.add(key);
    values[key] = withUnknownsAsStrings(rpc.unwrapRpcSecret(value), output, rpc.unknownValue);
  }
  return { values, secrets };
}

/**
 * A Struct for the engine: `values` with every property named in `secrets` marked secret, at any
 * depth (`credentials` is secret in a function's list of attachments as in a resource's outputs).
 */
export async function toWire(values: object, secrets: Iterable<string> = []): Promise<Struct> {
  const { rpc, struct } = await helpers();
  const secret = new Set(secrets);
  const mark = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(mark);
    if (value === null || typeof value !== "object") return value;
    return Object.fromEntries(
      Object.entries(value as Record<string, unknown>).map(([key, v]) => [
        key,
        secret.has(key) && v !== undefined ? { [rpc.specialSigKey]: rpc.specialSecretSig, value: v } : mark(v),
      ]),
    );
  };
  const serialized = await rpc.serializeProperties("properties", mark(values) as Record<string, unknown>);
  return struct.Struct.fromJavaScript(serialized as Record<string, never>);
}

/** Replaces the SDK's unknown sentinel, at any depth, by the engine's unknown string. */
function withUnknownsAsStrings(value: unknown, output: Output, unknownString: string): unknown {
  if (output.isUnknown(value)) return unknownString;
  if (Array.isArray(value)) return value.map((v) => withUnknownsAsStrings(v, output, unknownString));
  if (value !== null && typeof value === "object") {
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [k, withUnknownsAsStrings(v, output, unknownString)]),
    );
  }
  return value;
}
