/**
 * The plugin as a user installs it: the tarball that `npm run build` makes, installed with `pulumi
 * plugin install resource cinder <version> --file <tarball>` into a fresh PULUMI_HOME, then found by
 * the engine without any `plugins` block: `pulumi package get-schema cinder` answers the checked-in
 * schema, and a Pulumi YAML program (the real YAML language host) reserves and releases a volume.
 */
import { mkdtemp, readFile, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { cinder, parseListIds } from "../support/cinderCli";
import { ensurePlugin } from "../support/plugin";
import { stackEnv } from "../support/stack";
import { engineEnv, getEngine, repoRoot } from "./support/engine";
import { runCommand } from "./support/exec";
import { cinderSuite } from "./support/lifecycle";

jest.setTimeout(240_000);

const INSTANCE = "7e6d5c4b-3a29-4817-9605-f4e3d2c1b0a9";
const suite = cinderSuite("e2e-install");

test("pulumi plugin install takes the tarball; the engine then finds the plugin by name for get-schema and for a YAML program", async () => {
  const dir = path.dirname(ensurePlugin());
  const tarball = (await readdir(dir)).find((name) => name.endsWith(".tar.gz"));
  expect(tarball).toMatch(/^pulumi-resource-cinder-v\d+\.\d+\.\d+-linux-\w+\.tar\.gz$/);
  const { version } = JSON.parse(await readFile(path.join(repoRoot, "package.json"), "utf8")) as { version: string };
  const engine = await getEngine();
  const home = await mkdtemp(path.join(tmpdir(), "cinder-plugin-home-"));
  const project = await mkdtemp(path.join(tmpdir(), "cinder-plugin-yaml-"));
  const env = {
    ...process.env,
    ...engineEnv(),
    PULUMI_HOME: home,
    PULUMI_BACKEND_URL: `file://${project}`,
    PATH: `${engine.binDir}:${process.env["PATH"] ?? ""}`,
  };
  const pulumi = (args: string[]) => runCommand(engine.pulumi, args, project, env);
  try {
    await pulumi(["plugin", "install", "resource", "cinder", version, "--file", path.join(dir, tarball as string)]);
    expect(await pulumi(["plugin", "ls"])).toMatch(
      new RegExp(`cinder\\s+resource\\s+${version.replace(/\./g, "\\.")}`),
    );
    const served = JSON.parse(await pulumi(["package", "get-schema", "cinder"])) as unknown;
    const checkedIn = JSON.parse(
      await readFile(path.join(repoRoot, "provider/cmd/pulumi-resource-cinder/schema.json"), "utf8"),
    ) as unknown;
    expect(served).toEqual(checkedIn);

    const volume = await suite.createVolume();
    await writeFile(
      path.join(project, "Pulumi.yaml"),
      [
        "name: installed-plugin",
        "runtime: yaml",
        "resources:",
        "  reservation:",
        "    type: cinder:index:VolumeAttachment",
        "    properties:",
        `      volumeId: ${volume.id}`,
        `      instanceUuid: ${INSTANCE}`,
        "outputs:",
        "  status: ${reservation.status}",
        "",
      ].join("\n"),
    );
    await pulumi(["stack", "init", "dev"]);
    const cinderEnv = stackEnv();
    for (const [key, value] of Object.entries({
      endpoint: cinderEnv.CINDER_ENDPOINT as string,
      authType: "noauth",
      projectId: "admin",
      userId: "admin",
    })) {
      await pulumi(["config", "set", `cinder:${key}`, value]);
    }
    await pulumi(["up", "--yes", "--skip-preview"]);
    expect(await pulumi(["stack", "output", "status"])).toBe("reserved\n");
    expect(parseListIds(await cinder(["attachment-list", "--volume-id", volume.id]))).toHaveLength(1);
    await pulumi(["destroy", "--yes", "--skip-preview"]);
    expect(parseListIds(await cinder(["attachment-list", "--volume-id", volume.id]))).toEqual([]);
  } finally {
    await rm(home, { recursive: true, force: true });
    await rm(project, { recursive: true, force: true });
  }
});
