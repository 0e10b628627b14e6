/**
 * The recovery docs/troubleshooting.md gives for a delete Cinder refuses (OSSA-2023-003), run as a
 * user runs it: the `pulumi` CLI in a project folder, the program and Pulumi.yaml of
 * docs/getting-started.md, a real stack in the local backend and the local noauth Cinder. The
 * commands come from the fenced block troubleshooting.md marks with {@link RECOVERY_MARKER}, so the
 * doc cannot say one thing while the test checks another.
 *
 * Why the recovery is not just "set the role, destroy again": `pulumi destroy` runs no program and
 * configures the provider with the stack config recorded in the state at the last `up` (the inputs
 * of the default `pulumi:providers:pulumi-nodejs` resource), not with the config the stack has now.
 */
import { execFile } from "node:child_process";
import * as fs from "node:fs/promises";
import * as path from "node:path";
import { cinder, parseListIds } from "../support/cinderCli";
import { TestVolumes, adminClient, waitForVolume } from "../support/stack";
import type { CinderClient } from "../../provider/src/cinder/client";
import { engineEnv, getEngine, localDir, uniqueStackName } from "./support/engine";
import { fencedBlockAfter, readDoc } from "./support/docs";
import { ensurePackage, localCinderConfig } from "./support/examples";

jest.setTimeout(300_000);

/** The comment in docs/troubleshooting.md right above the recovery block this test runs. */
const RECOVERY_MARKER = "<!-- recovery: run by test/e2e/delete-refusal.recovery.test.ts -->";

const INSTANCE = "83ec2e3b-4321-422b-8706-a84185f52a0a";

/** What one command printed, and how it ended. */
interface CommandResult {
  code: number;
  stdout: string;
  /** stdout, then stderr. */
  output: string;
}

/**
 * The environment of a user's shell: the engine of scripts/engine/env.sh on PATH with its local
 * backend, no OpenStack or Cinder variables (they would count as settings), and no confirmation
 * prompts (there is no terminal to answer them; PULUMI_SKIP_CONFIRMATIONS stands for typing "yes").
 */
async function userEnv(): Promise<NodeJS.ProcessEnv> {
  const engine = await getEngine();
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (!/^(OS_|CINDER_|PULUMI_|npm_)/i.test(key)) env[key] = value;
  }
  return {
    ...env,
    ...engineEnv(),
    PATH: `${engine.binDir}:${process.env["PATH"] ?? ""}`,
    PULUMI_SKIP_CONFIRMATIONS: "true",
    PULUMI_NODEJS_TRANSPILE_ONLY: "true",
  };
}

/** Runs `script` with bash -e in `cwd`; resolves with the exit code and everything it printed. */
async function shell(script: string, cwd: string): Promise<CommandResult> {
  const env = await userEnv();
  return new Promise((resolve) => {
    execFile(
      "bash",
      ["-e", "-c", script],
      { cwd, env, timeout: 240_000, maxBuffer: 16 * 1024 * 1024 },
      (err, stdout, stderr) => {
        const code = err ? (typeof err.code === "number" ? err.code : 1) : 0;
        resolve({ code, stdout, output: `${stdout}\n${stderr}` });
      },
    );
  });
}

/** Runs `script` and fails with its output unless it exits 0; resolves with its stdout. */
async function mustRun(script: string, cwd: string): Promise<string> {
  const result = await shell(script, cwd);
  if (result.code !== 0) throw new Error(`${script} failed (exit ${result.code}):\n${result.output}`);
  return result.stdout;
}

/** The attachment IDs the cinder CLI lists for a volume. */
async function cliAttachments(volumeId: string): Promise<string[]> {
  return parseListIds(await cinder(["attachment-list", "--volume-id", volumeId], "3.27"));
}

/** The resources in the stack's state, by type (`pulumi stack export`). */
async function stateTypes(project: string): Promise<string[]> {
  const exported = JSON.parse(await mustRun("pulumi stack export", project)) as {
    deployment: { resources?: Array<{ type: string }> };
  };
  return (exported.deployment.resources ?? []).map((resource) => resource.type);
}

/** A shell word for `value`. */
function quote(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

/** One project folder from getting-started.md, with a stack whose attachment Cinder refuses to delete. */
interface RefusedProject {
  dir: string;
  attachmentId: string;
  volumeId: string;
}

const volumes = new TestVolumes("e2e-refusal");
const projects: string[] = [];
let admin: CinderClient;

beforeAll(async () => {
  admin = await adminClient();
  await ensurePackage();
});

afterAll(async () => {
  for (const dir of projects) {
    // Whatever a failed test left: destroy with the service role, then remove the stack and the folder.
    const left = await stateTypes(dir).catch(() => []);
    if (left.length > 0) {
      await shell("pulumi config set cinder:noauthServiceRoles service && pulumi destroy --run-program", dir);
    }
    await shell("pulumi stack rm --yes --force", dir);
    await fs.rm(dir, { recursive: true, force: true });
  }
  if (admin) await volumes.cleanup(admin);
});

/**
 * getting-started.md's Pulumi.yaml and index.ts in a new folder under <repo>/.local (so that the
 * engine's dynamic-provider plugin resolves @pulumi/pulumi and the package from the repository), a
 * stack set up for the local noauth Cinder without `cinder:noauthServiceRoles`, `pulumi up`, and the
 * `pulumi destroy` Cinder refuses.
 */
async function refusedDestroy(prefix: string): Promise<RefusedProject> {
  const gettingStarted = await readDoc("getting-started.md");
  const stackName = uniqueStackName(prefix);
  const dir = path.join(localDir, "e2e", stackName);
  await fs.mkdir(dir, { recursive: true });
  projects.push(dir);
  await fs.writeFile(path.join(dir, "Pulumi.yaml"), fencedBlockAfter(gettingStarted, "`Pulumi.yaml`:"));
  await fs.writeFile(path.join(dir, "index.ts"), fencedBlockAfter(gettingStarted, "`index.ts`:"));

  const volume = await volumes.create(admin);
  const { "cinder:noauthServiceRoles": _roles, ...cinderConfig } = localCinderConfig();
  const settings: Record<string, string> = {
    volume: volume.id,
    initiator: "iqn.1993-08.org.debian:01:refusal",
    hostIp: "192.0.2.10",
    host: "refusal-host",
    instanceUuid: INSTANCE,
    ...Object.fromEntries(Object.entries(cinderConfig).map(([key, entry]) => [key, entry.value])),
  };
  const setup = [
    `pulumi stack init ${quote(stackName)}`,
    ...Object.entries(settings).map(([key, value]) => `pulumi config set ${quote(key)} ${quote(value)}`),
    "pulumi up --yes",
  ];
  await mustRun(setup.join("\n"), dir);
  const attachmentId = (await mustRun("pulumi stack output attachmentId", dir)).trim();
  expect(await cliAttachments(volume.id)).toEqual([attachmentId]);

  const refused = await shell("pulumi destroy --yes", dir);
  expect(refused.code).not.toBe(0);
  expect(refused.output).toContain(`refused to delete attachment ${attachmentId}`);
  expect(refused.output).toContain("OSSA-2023-003");
  // Said as the engine says every error (the step's progress line, its failure line and the
  // diagnostics), not again from the provider's stderr with a stack trace and the class name doubled.
  const said = refused.output.split(`refused to delete attachment ${attachmentId}`).length - 1;
  expect(said).toBeLessThanOrEqual(3);
  expect(refused.output).not.toContain("AttachmentDeleteRefusedError");
  expect(refused.output).not.toMatch(/^\s+at /m);
  expect(await cliAttachments(volume.id)).toEqual([attachmentId]);
  return { dir, attachmentId, volumeId: volume.id };
}

/** The stack holds nothing, and neither Cinder nor the cinder CLI knows the attachment any more. */
async function expectDetached(project: RefusedProject): Promise<void> {
  expect(await stateTypes(project.dir)).toEqual([]);
  expect(await cliAttachments(project.volumeId)).toEqual([]);
  expect((await waitForVolume(admin, project.volumeId, "available")).status).toBe("available");
}

test("after the OSSA-2023-003 refusal of a destroy without service credentials, the recovery troubleshooting.md gives deletes the attachment and empties the stack", async () => {
  const recovery = fencedBlockAfter(await readDoc("troubleshooting.md"), RECOVERY_MARKER);
  expect(recovery).toMatch(/cinder:noauthServiceRoles/);
  const project = await refusedDestroy("refusal-recovery");

  const recovered = await shell(recovery, project.dir);
  expect(recovered).toMatchObject({ code: 0 });
  expect(recovered.output).toMatch(/- +\d+ deleted/);
  await expectDetached(project);
});

test("setting cinder:noauthServiceRoles and running a plain `pulumi destroy` again is refused again: destroy configures the provider from the state's recorded config", async () => {
  const project = await refusedDestroy("refusal-plain");

  const again = await shell("pulumi config set cinder:noauthServiceRoles service\npulumi destroy", project.dir);
  expect(again.code).not.toBe(0);
  expect(again.output).toContain(`refused to delete attachment ${project.attachmentId}`);
  expect(await cliAttachments(project.volumeId)).toEqual([project.attachmentId]);

  // The setting counts once a program run records it: `pulumi up` (nothing else changes), then destroy.
  await mustRun("pulumi up\npulumi destroy", project.dir);
  await expectDetached(project);
});
