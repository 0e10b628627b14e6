/**
 * A policy's configuration, declared once: its defaults and, per key, the JSON schema the engine
 * validates `--policy-pack-config` against. From that one declaration come the policy's
 * `configSchema` (each key with its default) and the reading of the configuration in a validation.
 *
 * ```typescript
 * const CONFIG = policyConfig<ProtectedVolumesConfig>(
 *   { volumes: [], volumePatterns: [] },
 *   {
 *     volumes: stringList("Volume IDs or names whose attachments must be protected."),
 *     volumePatterns: stringList("Regular expressions matching whole volume IDs or names ..."),
 *   },
 * );
 * export const protectedVolumes: ResourceValidationPolicy = {
 *   ...,
 *   configSchema: CONFIG.schema,
 *   validateResource: validateAttachment((args, reportViolation) => {
 *     const config = CONFIG.read(args);
 *   }),
 * };
 * ```
 */
import type { PolicyConfigSchema } from "@pulumi/policy";

/** The JSON schema of one config key (the type `@pulumi/policy` does not export by name). */
export type PropertySchema = PolicyConfigSchema["properties"][string];

/** One config key as a policy declares it: its schema, described, without the default (that comes from the defaults). */
export type KeySchema = Omit<PropertySchema, "default"> & { readonly description: string };

/** A policy's configuration: the schema to publish and the reader that fills in defaults. */
export interface PolicyConfig<T extends object> {
  /** The policy's `configSchema`: every key with its type, description and default. */
  readonly schema: PolicyConfigSchema;
  /** The configuration of one validation, with the default for each key not given. */
  read(args: ConfigSource): T;
}

/** What a policy's validation arguments offer to read the configuration. */
export interface ConfigSource {
  getConfig<C extends object>(): C;
}

/**
 * Declares a policy's configuration.
 * @param defaults the value of each key when the config does not give it.
 * @param keys the schema of each key (type, description, ...); the default is added from `defaults`.
 */
export function policyConfig<T extends object>(
  defaults: T,
  keys: { readonly [K in keyof T & string]: KeySchema },
): PolicyConfig<T> {
  const properties: Record<string, PropertySchema> = {};
  for (const key of Object.keys(keys) as (keyof T & string)[]) {
    properties[key] = { ...keys[key], default: defaults[key] as PropertySchema["default"] };
  }
  return { schema: { properties }, read: (args) => configOf(args, defaults) };
}

/** A key holding a list of strings (names, or regular expressions). */
export function stringList(description: string): KeySchema {
  return { type: "array", items: { type: "string" }, description };
}

/**
 * The configuration with defaults for keys not given. The engine fills schema defaults itself; this
 * makes the policies behave the same when called without an engine (tests, older CLIs).
 */
function configOf<T extends object>(args: ConfigSource, defaults: T): T {
  const given = args.getConfig<Partial<T>>();
  const merged: T = { ...defaults };
  for (const key of Object.keys(defaults) as (keyof T)[]) {
    const value = given[key];
    if (value !== undefined && value !== null) merged[key] = value;
  }
  return merged;
}
