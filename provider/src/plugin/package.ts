/** What the plugin says of itself: its version and its package schema (provider/cmd/pulumi-resource-cinder/schema.json). */

/** The plugin's version: the package's. */
export function pluginVersion(): string {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- read once, inlined by the bundler
  return (require("../../../package.json") as { version: string }).version;
}

/** The package schema, as `pulumi package get-schema` prints it. Loaded on first use. */
export function packageSchema(): string {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- a JSON file, inlined by the bundler
  return JSON.stringify(require("../../cmd/pulumi-resource-cinder/schema.json"));
}
