/**
 * The projects of this repository that take the resource plugin from its built folder
 * (`plugins.providers[{name: cinder, path: .../dist/plugin/pulumi-resource-cinder}]`) name the
 * plugin's version beside the path: without it the YAML host reads the schema from a plugin
 * process of its own at every preview and update (docs/plugin.md).
 */
import { readFileSync, readdirSync } from "node:fs";
import { join, relative } from "node:path";
import { parse } from "yaml";
import { PLUGIN_VERSION } from "../support/plugin";
import { REPO_ROOT } from "../support/stack";

interface ProjectPlugin {
  name?: string;
  path?: string;
  version?: string;
}

function projectFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === "node_modules" ? [] : projectFiles(full);
    return entry.name === "Pulumi.yaml" ? [full] : [];
  });
}

const pluginEntries = ["examples", "test/e2e/programs"]
  .flatMap((dir) => projectFiles(join(REPO_ROOT, dir)))
  .flatMap((file) => {
    const project = parse(readFileSync(file, "utf8")) as { plugins?: { providers?: ProjectPlugin[] } };
    return (project.plugins?.providers ?? [])
      .filter((plugin) => plugin.name === "cinder")
      .map((plugin) => ({ file: relative(REPO_ROOT, file), plugin }));
  });

test("some projects take the plugin from its built folder", () => {
  expect(pluginEntries.length).toBeGreaterThanOrEqual(4);
});

test.each(pluginEntries)("$file names the plugin's version beside its path", ({ plugin }) => {
  expect(plugin.path).toMatch(/dist\/plugin\/pulumi-resource-cinder$/);
  expect(plugin.version).toBe(PLUGIN_VERSION);
});
