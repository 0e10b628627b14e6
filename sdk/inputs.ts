/** Pulumi's input types over the provider's plain shapes. */
import type * as pulumi from "@pulumi/pulumi";

/** `T` with every property, at every depth, a `pulumi.Input` (a value, a promise or an output). */
export type Inputs<T> = { [K in keyof T]: pulumi.Input<InputsOf<T[K]>> };

/** One value's input form: objects and arrays take inputs inside them too. */
export type InputsOf<T> = T extends readonly (infer E)[]
  ? pulumi.Input<InputsOf<E>>[]
  : T extends object
    ? Inputs<T>
    : T;

/** `T`'s properties as the resource's outputs: each a `pulumi.Output` of the plain value. */
export type Outputs<T> = { readonly [K in keyof T]-?: pulumi.Output<T[K]> };
