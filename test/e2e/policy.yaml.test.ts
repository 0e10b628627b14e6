/**
 * The policy pack guards a Pulumi YAML program on the resource plugin: the engine runs the pack
 * whatever the program's language, and the pack judges `cinder:index:VolumeAttachment` as it judges
 * the dynamic provider's type. The real YAML host (`pulumi-language-yaml`) runs
 * test/e2e/programs/policy-yaml, whose attachment leaves out `instanceUuid`: the mandatory
 * cinder-full-attach-names-instance policy blocks `preview` and `up`, and nothing reaches Cinder.
 * Needs the engine (`npm run engine`) and the local stack (`npm run stack -- start`).
 */
import { execFile } from "node:child_process";
import * as fs from "node:fs/promises";
import * as os from "node:os";
import * as path from "node:path";
import { fullAttachNamesInstance } from "../../policy/policies";
import { cinder, parseListIds } from "../support/cinderCli";
import { ensurePlugin } from "../support/plugin";
import { stackEnv } from "../support/stack";
import { cliEnv } from "./support/cli";
import { getEngine, repoRoot, uniqueStackName } from "./support/engine";
import { cinderSuite } from "./support/lifecycle";
import { killProcessesOfRun, newRunMark } from "./support/processes";

jest.setTimeout(240_000);

const PROGRAM_DIR = path.join(repoRoot, "test", "e2e", "programs", "policy-yaml");
const POLICY_PACK = path.join(repoRoot, "policy");
const TYPE = "cinder:index:VolumeAttachment";
const suite = cinderSuite("policy-yaml");

const VIOLATION =
  'VolumeAttachment "bm": instanceUuid is (not set): a full attach to connector.host "bm-7" must name the instance it is for, and that host is not marked external (external hosts: (none)). ' +
  'Fix: set instanceUuid to the server\'s UUID, or, for a host outside Nova, add "bm-7" to externalHosts (or externalHostPatterns) in the cinder-full-attach-names-instance policy config.';

/** The lines the CLI prints under `Policies:` for each violation: `- [level]  policy  (type: name)`. */
function violationLines(output: string): string[] {
  return [...output.matchAll(/^\s*- \[(?:mandatory|advisory)\].*$/gm)].map((match) => match[0].trim());
}

test("a YAML program's cinder:index:VolumeAttachment that breaks a mandatory policy is blocked in preview and up, and no attachment is created", async () => {
  ensurePlugin();
  const volume = await suite.createVolume();
  const stack = uniqueStackName("policy-yaml");
  const mark = newRunMark();
  const env = await cliEnv(mark);
  const pulumi = (await getEngine()).pulumi;
  const run = (args: string[]): Promise<{ code: number; stdout: string; output: string }> =>
    new Promise((resolve) => {
      execFile(
        pulumi,
        [...args, "--stack", stack, "--non-interactive", "--color", "never"],
        { cwd: PROGRAM_DIR, env, maxBuffer: 16 * 1024 * 1024 },
        (err, stdout, stderr) => {
          const code = err ? (typeof err.code === "number" ? err.code : 1) : 0;
          resolve({ code, stdout, output: `${stdout}\n${stderr}` });
        },
      );
    });
  const configDir = await fs.mkdtemp(path.join(os.tmpdir(), "policy-yaml-"));

  expect(await run(["stack", "init"])).toMatchObject({ code: 0 });
  try {
    expect(await run(["config", "set", "volumeId", volume.id])).toMatchObject({ code: 0 });
    expect(await run(["config", "set", "cinder:endpoint", stackEnv().CINDER_ENDPOINT ?? ""])).toMatchObject({
      code: 0,
    });

    const preview = await run(["preview", "--policy-pack", POLICY_PACK]);
    expect(preview.code).not.toBe(0);
    // The one violation: the other policies, the stack policies included, pass the YAML resource
    // (the YAML host adds `credentials` to additionalSecretOutputs from the schema's secret flag).
    expect(violationLines(preview.output)).toEqual([`- [mandatory]  cinder-full-attach-names-instance  (${TYPE}: bm)`]);
    expect(preview.output).toContain(fullAttachNamesInstance.description);
    expect(preview.output).toContain(VIOLATION);

    // The program is otherwise sound: config marking the host external lets the same preview pass.
    const configFile = path.join(configDir, "external-bm-7.json");
    await fs.writeFile(
      configFile,
      JSON.stringify({ "cinder-full-attach-names-instance": { externalHosts: ["bm-7"] } }),
    );
    const allowed = await run(["preview", "--policy-pack", POLICY_PACK, "--policy-pack-config", configFile]);
    expect(violationLines(allowed.output)).toEqual([]);
    expect(allowed.output).toContain(`+  ${TYPE} bm create`);
    expect(allowed.code).toBe(0);

    // up without its preview: the resource policy runs before the create step, and stops it.
    const up = await run(["up", "--yes", "--skip-preview", "--policy-pack", POLICY_PACK]);
    expect(up.code).not.toBe(0);
    expect(violationLines(up.output)).toEqual([`- [mandatory]  cinder-full-attach-names-instance  (${TYPE}: bm)`]);
    expect(up.output).toContain(VIOLATION);

    expect(parseListIds(await cinder(["attachment-list", "--volume-id", volume.id]))).toEqual([]);
    const exported = await run(["stack", "export"]);
    expect(exported.code).toBe(0);
    const state = JSON.parse(exported.stdout) as { deployment: { resources?: { type: string }[] } };
    expect((state.deployment.resources ?? []).map((resource) => resource.type)).not.toContain(TYPE);
  } finally {
    await run(["stack", "rm", "--yes", "--force"]);
    killProcessesOfRun(mark);
    await fs.rm(configDir, { recursive: true, force: true });
  }
});
