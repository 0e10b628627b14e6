/**
 * The dynamic provider as every {@link VolumeAttachment} hands it to the engine: the `__provider`
 * property, a CommonJS module whose `handler()` returns the provider object. `@pulumi/pulumi`'s
 * dynamic-provider host evaluates that text in the provider process (`require-from-string`,
 * resolving from the program's folder) and caches the object by the text.
 *
 * `pulumi.dynamic.Resource` writes this text by serializing a provider object with the closure
 * serializer, at program time, in every preview and update: V8's inspector and the TypeScript
 * parser, about 0.3 s of each program run, and 5 KB of code in each resource's inputs and again in
 * its outputs. The provider object needs nothing of the program, so its module is written once,
 * here: it loads the runtime by package name, like the serialized one did.
 */
export const PROVIDER_MODULE =
  'exports.handler = () => new (require("pulumi-cinder-attachment/runtime").VolumeAttachmentProvider)();\n';
