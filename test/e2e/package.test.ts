/**
 * The package as users get it. `npm pack` makes the tarball (built JavaScript and declarations,
 * README, CHANGELOG, LICENSE, the Markdown docs the README links to, and nothing else). A fresh Pulumi program in a temporary folder outside the
 * repository installs that tarball and `@pulumi/pulumi` from the registry, type-checks against the
 * installed declarations, and runs `up` and `destroy` through the real engine (the Automation API
 * on the program's folder: the `pulumi` CLI of scripts/engine.sh with our Node language host)
 * against the local Cinder.
 *
 * The npm install uses npm's own cache (`npm config get cache`, shared with the repository's
 * `npm ci`) with `--prefer-offline`, so a warm machine installs from the cache in seconds.
 */
import { execFile } from "node:child_process";
import * as fs from "node:fs/promises";
import * as os from "node:os";
import * as path from "node:path";
import { LocalWorkspace, PulumiCommand, type Stack } from "@pulumi/pulumi/automation";
import { getAttachment, listAttachments } from "../../provider/src/cinder/attachments";
import type { CinderClient } from "../../provider/src/cinder/client";
import { getVolume } from "../../provider/src/cinder/volumes/requests";
import { TestVolumes, adminClient, waitForVolume } from "../support/stack";
import { destroy, engineEnv, getEngine, repoRoot, uniqueStackName, up } from "./support/engine";
import { ATTACHMENT_TYPE, ensurePackage, localCinderConfig } from "./support/examples";

jest.setTimeout(300_000);

const INSTANCE = "83ec2e3b-4321-422b-8706-a84185f52a0a";
const PULUMI_VERSION = "3.248.0";
const PROJECT = "cinder-pack-smoke";

/** What `npm pack --json` says about one tarball. */
interface PackResult {
  filename: string;
  files: Array<{ path: string }>;
}

/** The package's own manifest: the entry points users resolve. */
interface Manifest {
  main: string;
  types: string;
  exports: Record<string, string | Record<string, string>>;
}

/** The environment for npm and node children: without the `npm_*` variables of an `npm test` run. */
function childEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (!key.toLowerCase().startsWith("npm_")) env[key] = value;
  }
  return { ...env, npm_config_update_notifier: "false", npm_config_fund: "false", npm_config_audit: "false" };
}

function run(file: string, args: readonly string[], cwd: string, timeoutMs = 240_000): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(
      file,
      args,
      { cwd, env: childEnv(), timeout: timeoutMs, maxBuffer: 32 * 1024 * 1024 },
      (err, stdout, stderr) => {
        if (err) {
          reject(new Error(`${file} ${args.join(" ")} (in ${cwd}) failed: ${err.message}\n${stdout}\n${stderr}`));
        } else {
          resolve(stdout);
        }
      },
    );
  });
}

/** The program users would write: one attachment, its connection info, the CHAP password as a secret. */
const PROGRAM = `import * as pulumi from "@pulumi/pulumi";
import { VolumeAttachment } from "pulumi-cinder-attachment";

const config = new pulumi.Config();

const data = new VolumeAttachment("data", {
  volumeId: config.require("volume"),
  instanceUuid: config.require("instanceUuid"),
  connector: { initiator: "iqn.1993-08.org.debian:01:pack-smoke", ip: "192.0.2.10", host: "pack-smoke" },
});

export const attachmentId = data.attachmentId;
export const volumeId = data.volumeId;
export const status = data.status;
export const targetIqn = data.connectionInfo.apply((info) => info?.["target_iqn"]);
export const chapPassword = data.credentials.apply((credentials) => credentials?.["auth_password"]);
`;

/** Compiled, never run: the declarations carry real types (an \`any\` would leave the expected errors unused). */
const TYPECHECK = `import type * as pulumi from "@pulumi/pulumi";
import {
  type AttachMode,
  type ConnectorArgs,
  VolumeAttachment,
  type VolumeAttachmentArgs,
  type VolumeAttachmentOutputs,
} from "pulumi-cinder-attachment";
import type { AttachmentOperations } from "pulumi-cinder-attachment/runtime";

export const connector: ConnectorArgs = { initiator: "iqn.1993-08.org.debian:01:x", multipath: true, wwpns: ["50014380186af83c"] };
export const args: VolumeAttachmentArgs = { volumeId: "db-data", connector, mode: "ro", complete: true };
export const mode: AttachMode = "rw";
// @ts-expect-error mode is "rw" or "ro"
export const badMode: AttachMode = "rx";
// @ts-expect-error volumeId is required
export const noVolume: VolumeAttachmentArgs = { instanceUuid: "83ec2e3b-4321-422b-8706-a84185f52a0a" };
// @ts-expect-error connector fields are typed
export const badConnector: ConnectorArgs = { multipath: "yes" };
export function outputsOf(attachment: VolumeAttachment): pulumi.Output<string>[] {
  return [attachment.attachmentId, attachment.status, attachment.volumeId];
}
export function credentialsOf(state: VolumeAttachmentOutputs): Record<string, string> | undefined {
  return state.credentials;
}
export const isAttachment: (value: unknown) => boolean = VolumeAttachment.isInstance;
export type Operations = AttachmentOperations;
`;

/** Writes the program's files: package.json (the tarball and @pulumi/pulumi), Pulumi.yaml, sources, tsconfig. */
async function writeProgram(dir: string, tarball: string): Promise<void> {
  const manifest = {
    name: PROJECT,
    private: true,
    dependencies: { "@pulumi/pulumi": PULUMI_VERSION, "pulumi-cinder-attachment": `file:${tarball}` },
    devDependencies: { "@types/node": "^20.19.0", typescript: "~5.9.3" },
  };
  const tsconfig = {
    compilerOptions: {
      strict: true,
      target: "ES2022",
      module: "node16",
      moduleResolution: "node16",
      types: ["node"],
      skipLibCheck: false,
      noEmit: true,
    },
    files: ["index.ts", "typecheck.ts"],
  };
  await fs.mkdir(dir, { recursive: true });
  await fs.writeFile(path.join(dir, "package.json"), `${JSON.stringify(manifest, null, 2)}\n`);
  await fs.writeFile(path.join(dir, "tsconfig.json"), `${JSON.stringify(tsconfig, null, 2)}\n`);
  await fs.writeFile(
    path.join(dir, "Pulumi.yaml"),
    `name: ${PROJECT}\nruntime:\n  name: nodejs\n  options:\n    typescript: true\nmain: index.ts\n`,
  );
  await fs.writeFile(path.join(dir, "index.ts"), PROGRAM);
  await fs.writeFile(path.join(dir, "typecheck.ts"), TYPECHECK);
}

const volumes = new TestVolumes("e2e-pack");
let admin: CinderClient;
let work: string;
let pack: PackResult;

beforeAll(async () => {
  admin = await adminClient();
  work = await fs.mkdtemp(path.join(os.tmpdir(), "pulumi-cinder-pack-"));
  // `npm run build:dist` (tsc and the runtime's bundle), under the lock the other e2e tests build with, and
  // only when dist/ is older than the sources: rewriting it while another test's provider loads it would race.
  await ensurePackage();
  // Without the prepack script: its `npm run build` removes dist/ (the plugin included) while the
  // other tests' providers load it. dist/ is fresh already (ensurePackage).
  const packed = JSON.parse(
    await run("npm", ["pack", "--json", "--ignore-scripts", "--pack-destination", work], repoRoot, 120_000),
  ) as PackResult[];
  pack = packed[0] as PackResult;
});

afterAll(async () => {
  if (admin) await volumes.cleanup(admin);
  if (work) await fs.rm(work, { recursive: true, force: true });
});

test("the tarball holds the built JavaScript with its declarations, the runtime's bundle, README, CHANGELOG, LICENSE and the Markdown docs, and nothing else", async () => {
  const files = pack.files.map((file) => file.path).sort();
  const allowed =
    /^(package\.json|README\.md|CHANGELOG\.md|LICENSE|docs\/[\w-]+\.md|(policy|bench)\/README\.md|bench\/RESULTS\.md|dist\/(sdk|provider\/src)\/[\w/.-]+\.(js|d\.ts)|dist\/runtime\/runtime\.cjs)$/;
  expect(files.filter((file) => !allowed.test(file))).toEqual([]);
  expect(files).toEqual(expect.arrayContaining(["package.json", "README.md", "CHANGELOG.md", "LICENSE"]));

  // Every JavaScript file has its declarations and comes from a source file that still exists.
  const scripts = files.filter((file) => file.endsWith(".js"));
  expect(scripts.length).toBeGreaterThan(10);
  for (const script of scripts) {
    expect(files).toContain(script.replace(/\.js$/, ".d.ts"));
    const source = path.join(repoRoot, script.replace(/^dist\//, "").replace(/\.js$/, ".ts"));
    await expect(fs.stat(source)).resolves.toBeTruthy();
  }

  // Every entry point the manifest names is in the tarball.
  const manifest = JSON.parse(await fs.readFile(path.join(repoRoot, "package.json"), "utf8")) as Manifest;
  const targets = [manifest.main, manifest.types];
  for (const entry of Object.values(manifest.exports)) {
    targets.push(...(typeof entry === "string" ? [entry] : Object.values(entry)));
  }
  for (const target of targets) {
    expect(files).toContain(path.posix.normalize(target));
  }
});

test("every relative link of the README and of the docs it ships points to a file inside the tarball", async () => {
  const files = new Set(pack.files.map((file) => file.path));
  const pages = [...files].filter((file) => file.endsWith(".md"));
  expect(pages).toEqual(expect.arrayContaining(["README.md", "docs/getting-started.md", "docs/configuration.md"]));
  const dead: string[] = [];
  for (const page of pages) {
    const text = await fs.readFile(path.join(repoRoot, page), "utf8");
    for (const [, target = ""] of text.matchAll(/\]\(([^)\s]+)\)/g)) {
      const file = target.split("#")[0] ?? "";
      if (file === "" || /^[a-z]+:/i.test(file)) continue; // an anchor in the same page, or a URL
      const resolved = path.posix.normalize(path.posix.join(path.posix.dirname(page), file));
      if (!files.has(resolved)) dead.push(`${page} -> ${target}`);
    }
  }
  expect(dead).toEqual([]);
});

test("installed from the tarball into a program outside the repository: it type-checks, and up and destroy through the real engine attach the volume in Cinder and detach it again", async () => {
  const tarball = path.join(work, pack.filename);
  const program = path.join(work, "program");
  expect(path.relative(repoRoot, program).startsWith("..")).toBe(true);
  await writeProgram(program, tarball);

  await run("npm", ["install", "--prefer-offline", "--no-audit", "--no-fund"], program);
  // One copy of the SDK (the package's own would break resource registration), and both entry
  // points resolve inside the program, not back to the repository.
  await expect(
    fs.stat(path.join(program, "node_modules", "pulumi-cinder-attachment", "node_modules", "@pulumi", "pulumi")),
  ).rejects.toThrow(/ENOENT/);
  const resolved = JSON.parse(
    await run(
      process.execPath,
      [
        "-e",
        'console.log(JSON.stringify(["pulumi-cinder-attachment", "pulumi-cinder-attachment/runtime"].map((m) => require.resolve(m))))',
      ],
      program,
    ),
  ) as string[];
  expect(resolved).toEqual([
    path.join(program, "node_modules", "pulumi-cinder-attachment", "dist", "sdk", "index.js"),
    // The runtime as one bundle (scripts/runtime/build.mjs), its declarations tsc's.
    path.join(program, "node_modules", "pulumi-cinder-attachment", "dist", "runtime", "runtime.cjs"),
  ]);

  // The declarations as an editor and a strict build see them: through `exports` (node16, with
  // skipLibCheck off, so an error in a shipped .d.ts fails) and through `types` (node10). Meanwhile
  // Cinder makes the test volume.
  const tsc = path.join(program, "node_modules", "typescript", "bin", "tsc");
  const [volume] = await Promise.all([
    volumes.create(admin),
    run(process.execPath, [tsc, "-p", "."], program),
    run(
      process.execPath,
      [
        tsc,
        "--noEmit",
        "--strict",
        "--skipLibCheck",
        "--module",
        "commonjs",
        "--moduleResolution",
        "node10",
        "--types",
        "node",
        "index.ts",
      ],
      program,
    ),
  ]);

  const engine = await getEngine();
  const envVars: Record<string, string> = { ...engineEnv(), PULUMI_NODEJS_TRANSPILE_ONLY: "true" };
  await fs.mkdir(envVars["PULUMI_HOME"] ?? path.join(repoRoot, ".local", "pulumi-home"), { recursive: true });
  await fs.mkdir(path.join(repoRoot, ".local", "pulumi-state"), { recursive: true });
  const stack: Stack = await LocalWorkspace.createStack(
    { stackName: uniqueStackName("pack"), workDir: program },
    { pulumiCommand: await PulumiCommand.get({ root: engine.root }), envVars },
  );
  let destroyed = false;
  try {
    await stack.setAllConfig({
      ...localCinderConfig(),
      volume: { value: volume.name as string },
      instanceUuid: { value: INSTANCE },
    });

    const upResult = await up(stack);
    expect(upResult.summary.result).toBe("succeeded");
    expect(upResult.summary.resourceChanges).toEqual({ create: 2 });
    const outputs = upResult.outputs;
    const attachmentId = outputs["attachmentId"]?.value as string;
    expect(outputs["status"]?.value).toBe("attached");
    expect(outputs["volumeId"]?.value).toBe(volume.id);
    expect(outputs["targetIqn"]?.value).toBe(`iqn.2010-10.org.openstack:volume-${volume.id}`);
    expect(outputs["chapPassword"]).toMatchObject({ secret: true, value: expect.any(String) as string });

    const state = (await stack.exportStack()).deployment as { resources?: Array<{ type: string; id?: string }> };
    expect((state.resources ?? []).filter((r) => r.type === ATTACHMENT_TYPE).map((r) => r.id)).toEqual([attachmentId]);
    const attachment = await getAttachment(admin, attachmentId);
    expect(attachment).toMatchObject({ status: "attached", volumeId: volume.id, instanceUuid: INSTANCE });
    expect((await getVolume(admin, volume.id)).status).toBe("in-use");

    // Instance-bound and connected: the delete goes through only with the service role (OSSA-2023-003).
    const destroyResult = await destroy(stack);
    destroyed = true;
    expect(destroyResult.summary.resourceChanges).toEqual({ delete: 2 });
    expect(await listAttachments(admin, { volumeId: volume.id })).toEqual([]);
    expect((await waitForVolume(admin, volume.id, "available")).status).toBe("available");
  } finally {
    if (!destroyed) await destroy(stack).catch(() => undefined);
    await stack.workspace.removeStack(stack.name, { force: !destroyed });
  }
});
