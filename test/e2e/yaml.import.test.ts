/**
 * `pulumi import ... --out <file>` in a Pulumi YAML project: the engine imports an attachment the
 * cinder CLI made, and the YAML language host (its GenerateProgram) writes the resource as YAML. A
 * program made of that output and the project's header then previews with no change, and destroys.
 */
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { parse } from "yaml";
import { cinder, cinderAttach, parseListIds } from "../support/cinderCli";
import { PLUGIN_VERSION, ensurePlugin } from "../support/plugin";
import { engineEnv, getEngine } from "./support/engine";
import { PLUGIN_ATTACHMENT_TYPE, localCinderConfig } from "./support/examples";
import { runCommand } from "./support/exec";
import { cinderSuite } from "./support/lifecycle";

jest.setTimeout(180_000);

const INSTANCE = "6a5b4c3d-2e1f-4a0b-9c8d-7e6f5a4b3c2d";
const suite = cinderSuite("e2e-yaml-import");

/** What the YAML host generated for one resource. */
interface GeneratedResource {
  type: string;
  properties: Record<string, unknown>;
  options?: Record<string, unknown>;
}

test("pulumi import --out writes YAML declaring the attachment the cinder CLI made (volumeId, instanceUuid); that program previews with no change", async () => {
  const volume = await suite.createVolume();
  const made = await cinderAttach(
    volume.id,
    { initiator: "iqn.1993-08.org.debian:01:yaml-cli", ip: "127.0.0.1", host: "yaml-cli" },
    INSTANCE,
  );
  const attachmentId = made["id"] as string;
  const engine = await getEngine();
  const project = await mkdtemp(path.join(tmpdir(), "cinder-yaml-import-"));
  const env = {
    ...process.env,
    ...engineEnv(),
    PULUMI_BACKEND_URL: `file://${project}`,
    PATH: `${engine.binDir}:${process.env["PATH"] ?? ""}`,
  };
  const pulumi = (args: string[]) => runCommand(engine.pulumi, args, project, env);
  const header = [
    "name: yaml-import",
    "runtime: yaml",
    "plugins:",
    "  providers:",
    "    - name: cinder",
    `      path: ${ensurePlugin()}`,
    `      version: ${PLUGIN_VERSION}`,
    "",
  ].join("\n");
  try {
    await writeFile(path.join(project, "Pulumi.yaml"), header);
    await pulumi(["stack", "init", "dev"]);
    for (const [key, { value }] of Object.entries(localCinderConfig())) {
      await pulumi(["config", "set", key, value]);
    }

    const out = path.join(project, "imported.yaml");
    await pulumi(["import", PLUGIN_ATTACHMENT_TYPE, "attached", attachmentId, "--out", out, "--yes"]);
    const generated = await readFile(out, "utf8");
    const { resources } = parse(generated) as { resources: Record<string, GeneratedResource> };
    expect(Object.keys(resources)).toEqual(["attached"]);
    // The YAML host writes the type token without its default module (`cinder:VolumeAttachment`).
    expect(resources["attached"]?.type).toMatch(/^cinder:(index:)?VolumeAttachment$/);
    expect(resources["attached"]?.properties).toMatchObject({ volumeId: volume.id, instanceUuid: INSTANCE });
    expect(resources["attached"]?.options).toEqual({ protect: true });

    await writeFile(path.join(project, "Pulumi.yaml"), `${header}${generated}\n`);
    const plan = JSON.parse(await pulumi(["preview", "--json"])) as { changeSummary: Record<string, number> };
    expect(plan.changeSummary).toEqual({ same: 2 });
    expect(parseListIds(await cinder(["attachment-list", "--volume-id", volume.id]))).toEqual([attachmentId]);

    // Imported resources are protected: unprotect, then destroy deletes the attachment.
    await pulumi(["state", "unprotect", "--all", "--yes"]);
    await pulumi(["destroy", "--yes", "--skip-preview"]);
    expect(parseListIds(await cinder(["attachment-list", "--volume-id", volume.id]))).toEqual([]);
  } finally {
    await rm(project, { recursive: true, force: true });
  }
});
