/**
 * The part of Pulumi's package schema (https://www.pulumi.com/docs/iac/guides/building-extending/packages/schema/)
 * that the generator writes: the shapes of schema.json, as the SDK generators bind them.
 */

/** A property's type: a primitive, an array, a map, or a reference to a named type. */
export type TypeSpec =
  | { readonly type: "string" | "boolean" | "integer" | "number" }
  | { readonly type: "array"; readonly items: TypeSpec }
  | { readonly type: "object"; readonly additionalProperties: TypeSpec }
  | { readonly $ref: string };

/** A property of a resource, a type, a function's inputs or outputs, or the provider. */
export type PropertySpec = TypeSpec & {
  readonly description?: string;
  readonly default?: string | number | boolean;
  readonly secret?: boolean;
};

/** A set of properties and which of them are required. */
export interface ObjectSpec {
  readonly properties: Readonly<Record<string, PropertySpec>>;
  readonly required?: readonly string[];
}

/** A named object type (`types` entry of kind object). */
export interface ObjectTypeSpec extends ObjectSpec {
  readonly type: "object";
  readonly description?: string;
}

/** A named enum type (`types` entry of kind enum). */
export interface EnumTypeSpec {
  readonly type: "string";
  readonly description?: string;
  readonly enum: readonly { readonly value: string; readonly name?: string; readonly description?: string }[];
}

/** A resource: its outputs (`properties`, `required`) and inputs (`inputProperties`, `requiredInputs`). */
export interface ResourceSpec {
  readonly description?: string;
  readonly properties: Readonly<Record<string, PropertySpec>>;
  readonly required?: readonly string[];
  readonly inputProperties: Readonly<Record<string, PropertySpec>>;
  readonly requiredInputs?: readonly string[];
}

/** The provider resource: its configuration as inputs. */
export interface ProviderSpec {
  readonly description?: string;
  readonly inputProperties: Readonly<Record<string, PropertySpec>>;
}

/** A function (data source): its arguments and its result. */
export interface FunctionSpec {
  readonly description?: string;
  readonly inputs: ObjectSpec;
  readonly outputs: ObjectSpec;
}

/** The whole package schema. */
export interface PackageSpec {
  readonly name: string;
  readonly displayName: string;
  readonly description: string;
  readonly version: string;
  readonly license: string;
  readonly keywords: readonly string[];
  readonly config: { readonly variables: Readonly<Record<string, PropertySpec>> };
  readonly provider: ProviderSpec;
  readonly types: Readonly<Record<string, ObjectTypeSpec | EnumTypeSpec>>;
  readonly resources: Readonly<Record<string, ResourceSpec>>;
  readonly functions: Readonly<Record<string, FunctionSpec>>;
  readonly meta: { readonly supportPack: boolean };
  readonly language: Readonly<Record<string, unknown>>;
}
