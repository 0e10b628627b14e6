/**
 * What part 2 needs for the resource plugin's face beside the dynamic provider's: the Pulumi YAML
 * program of N `cinder:index:VolumeAttachment`s on the built plugin (`plugins.providers[].path` and
 * `version`),
 * how to recognise the plugin process in /proc, and the state each face leaves per attachment
 * (`pulumi stack export`).
 */
import { promises as fs } from "node:fs";
import * as path from "node:path";
import type { Stack } from "@pulumi/pulumi/automation";
import { PLUGIN_DIR, PLUGIN_TYPE, PLUGIN_VERSION } from "../test/support/plugin";

/** Which face of the provider a stack's program uses. */
export type EngineFace = "dynamic" | "plugin";

/** The resource type of an attachment in each face's state. */
export const ATTACHMENT_TYPES: Record<EngineFace, string> = {
  dynamic: "pulumi-nodejs:dynamic/cinder:VolumeAttachment",
  plugin: PLUGIN_TYPE,
};

/** The connector of the i-th attachment, the same in both faces' programs. */
export function benchConnector(i: number): { initiator: string; ip: string; host: string } {
  return { initiator: `iqn.1993-08.org.debian:01:bench-${i}`, ip: "192.0.2.20", host: `bench-host-${i}` };
}

/**
 * Writes `workDir/Pulumi.yaml`: project `project`, runtime yaml, the plugin from its built folder,
 * one VolumeAttachment per volume for the first `n` volumes, the i-th with `connector(i)` (JSON is
 * YAML: no quoting to get wrong).
 */
export async function writeYamlProgram(
  workDir: string,
  project: string,
  volumes: readonly string[],
  n: number,
  connector: (i: number) => Record<string, string> = benchConnector,
): Promise<void> {
  const resources: Record<string, unknown> = {};
  for (let i = 0; i < n; i += 1) {
    resources[`data-${i}`] = {
      type: PLUGIN_TYPE,
      properties: { volumeId: volumes[i], connector: connector(i) },
    };
  }
  const program = {
    name: project,
    runtime: "yaml",
    plugins: { providers: [{ name: "cinder", path: PLUGIN_DIR, version: PLUGIN_VERSION }] },
    resources,
  };
  await fs.writeFile(path.join(workDir, "Pulumi.yaml"), `${JSON.stringify(program, null, 2)}\n`);
}

/** Whether a process (its argv) is the built plugin of this repository: `node <PLUGIN_DIR>/pulumi-resource-cinder.cjs ...`. */
export function isPluginProcess(argv: readonly string[]): boolean {
  const entry = path.join(PLUGIN_DIR, "pulumi-resource-cinder.cjs");
  return argv.slice(1).includes(entry);
}

/**
 * Whether a process (its argv, node first) is the provider of `face`: the plugin, or a dynamic
 * provider (`node [--require ...] .../cmd/dynamic-provider[/index.js] <engine address>`).
 */
export function isProviderProcess(face: EngineFace, argv: readonly string[]): boolean {
  return face === "plugin"
    ? isPluginProcess(argv)
    : argv.slice(1).some((arg) => /\/cmd\/dynamic-provider(\/index\.js)?$/.test(arg));
}

/** The size of a stack's state, from `pulumi stack export`. */
export interface StateSize {
  /** Attachments in the state. */
  readonly attachments: number;
  /** Bytes of the attachments' entries (compact JSON), divided by their number. */
  readonly perAttachmentBytes: number;
  /** Bytes of the whole deployment (compact JSON: stack, provider and attachments), divided by the attachments. */
  readonly deploymentPerAttachmentBytes: number;
}

/** Exports the stack and measures its attachments' entries. */
export async function stateSize(stack: Stack, face: EngineFace): Promise<StateSize> {
  const exported = await stack.exportStack();
  const deployment = exported.deployment as { resources?: { type?: string }[] };
  const attachments = (deployment.resources ?? []).filter((r) => r.type === ATTACHMENT_TYPES[face]);
  const bytes = (value: unknown) => Buffer.byteLength(JSON.stringify(value));
  const count = attachments.length;
  return {
    attachments: count,
    perAttachmentBytes: count > 0 ? attachments.reduce((sum, r) => sum + bytes(r), 0) / count : Number.NaN,
    deploymentPerAttachmentBytes: count > 0 ? bytes(deployment) / count : Number.NaN,
  };
}
