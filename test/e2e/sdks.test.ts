/**
 * The plugin's SDKs (sdks/<language>/) are what Pulumi's code generator makes of the checked-in
 * package schema (`npm run sdks -- --check`, with pulumi-cinder-sdkgen of scripts/engine.sh), and
 * the nodejs SDK works for a program of this repository: `pulumi-cinder` resolves by name to its
 * compiled bin/ (node_modules/pulumi-cinder, made by scripts/setup.sh; `npm run build` compiles it)
 * and its types check a program that uses them; the python SDK installs with pip (scripts/python-env.sh
 * installs sdks/python into its venv) and has the same resource, provider and functions.
 */
import { execFile } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import * as path from "node:path";
import { promisify } from "node:util";
import { localDir, repoRoot } from "./support/engine";

jest.setTimeout(120_000);

const run = promisify(execFile);

test("the checked-in SDKs are what the schema generates (else run npm run sdks)", async () => {
  await expect(run("bash", [path.join(repoRoot, "scripts", "sdks.sh"), "--check"], { cwd: repoRoot })).resolves.toEqual(
    expect.objectContaining({ stdout: "" }),
  );
});

test("a program's require('pulumi-cinder') has the resource, the provider and both functions", async () => {
  const program = [
    'const cinder = require("pulumi-cinder");',
    "const names = ['VolumeAttachment', 'Provider', 'getAttachment', 'getAttachments', 'getAttachmentOutput', 'getAttachmentsOutput'];",
    "console.log(JSON.stringify(Object.fromEntries(names.map((n) => [n, typeof cinder[n]]))));",
    "console.log(JSON.stringify([cinder.VolumeAttachment.__pulumiType, cinder.types.enums.AttachMode]));",
  ].join("\n");
  const { stdout } = await run(process.execPath, ["-e", program], {
    cwd: path.join(repoRoot, "examples", "iscsi-attach"),
  });
  const [exported, details] = stdout.trim().split("\n");
  expect(JSON.parse(exported!)).toEqual({
    VolumeAttachment: "function",
    Provider: "function",
    getAttachment: "function",
    getAttachments: "function",
    getAttachmentOutput: "function",
    getAttachmentsOutput: "function",
  });
  expect(JSON.parse(details!)).toEqual(["cinder:index:VolumeAttachment", { Rw: "rw", Ro: "ro" }]);
});

test("a TypeScript program on the SDK's types compiles (strict), and a misspelt connector field does not", async () => {
  const dir = await mkdtemp(path.join(localDir, "sdk-program-"));
  try {
    await writeFile(
      path.join(dir, "index.ts"),
      [
        'import * as pulumi from "@pulumi/pulumi";',
        'import * as cinder from "pulumi-cinder";',
        "",
        'const east = new cinder.Provider("east", { cloud: "east", insecure: true, requestTimeout: 30, password: pulumi.secret("p") });',
        "const connector: cinder.types.input.ConnectorArgs = {",
        '  initiator: "iqn.1993-08.org.debian:01:cad181614cec",',
        '  ip: "192.0.2.10",',
        "  multipath: false,",
        "  extra: { do_local_attach: false },",
        "};",
        "const attachment = new cinder.VolumeAttachment(",
        '  "data",',
        '  { volumeId: "5f6d1e9c-4b7f-4c55-a6a3-0a9e8f3b8c21", connector, mode: cinder.types.enums.AttachMode.Ro },',
        "  { provider: east },",
        ");",
        "export const status: pulumi.Output<string> = attachment.status;",
        "export const platform: pulumi.Output<string | undefined> = attachment.connector.apply((c) => c?.platform);",
        "export const credentials: pulumi.Output<{ [key: string]: string } | undefined> = attachment.credentials;",
        "export const found = cinder",
        "  .getAttachmentsOutput({ volumeId: attachment.volumeId }, { provider: east })",
        "  .apply((r) => r.attachments.map((a: cinder.types.output.Attachment) => a.attachmentId));",
        'export const one = cinder.getAttachment({ attachmentId: "x" }).then((a) => a.credentials);',
        "// @ts-expect-error: the connector has no field `initator`",
        'export const misspelt: cinder.types.input.ConnectorArgs = { initator: "iqn.1993-08.org.debian:01:x" };',
        "",
      ].join("\n"),
    );
    await writeFile(
      path.join(dir, "tsconfig.json"),
      JSON.stringify({
        compilerOptions: {
          strict: true,
          target: "ES2022",
          module: "commonjs",
          moduleResolution: "node",
          esModuleInterop: true,
          skipLibCheck: true,
          types: ["node"],
          noEmit: true,
        },
        files: ["index.ts"],
      }),
    );
    const tsc = path.join(repoRoot, "node_modules", ".bin", "tsc");
    await expect(run(tsc, ["-p", dir], { cwd: dir })).resolves.toEqual({ stdout: "", stderr: "" });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test("pip installs sdks/python: pulumi_cinder at the package's version, with the resource, the provider, both functions and the plugin's pulumi-plugin.json", async () => {
  const { stdout: envOut } = await run("bash", [path.join(repoRoot, "scripts", "python-env.sh")], { cwd: repoRoot });
  const python = envOut.trim().split("\n").pop() ?? "";
  const program = [
    "import importlib.metadata, importlib.resources, json",
    "import pulumi_cinder as cinder",
    "names = ['VolumeAttachment', 'VolumeAttachmentArgs', 'ConnectorArgs', 'Provider', 'get_attachment', 'get_attachments', 'get_attachment_output', 'get_attachments_output']",
    "print(json.dumps({",
    "  'version': importlib.metadata.version('pulumi_cinder'),",
    "  'exported': {n: callable(getattr(cinder, n, None)) for n in names},",
    "  'modes': [m.value for m in cinder.AttachMode],",
    "  'plugin': json.loads(importlib.resources.files('pulumi_cinder').joinpath('pulumi-plugin.json').read_text()),",
    "}))",
  ].join("\n");
  const { stdout } = await run(python, ["-c", program], {
    cwd: localDir,
    env: { ...process.env, PYTHONDONTWRITEBYTECODE: "1" },
  });
  const { version } = JSON.parse(await readFile(path.join(repoRoot, "package.json"), "utf8")) as { version: string };
  expect(JSON.parse(stdout)).toEqual({
    version,
    exported: {
      VolumeAttachment: true,
      VolumeAttachmentArgs: true,
      ConnectorArgs: true,
      Provider: true,
      get_attachment: true,
      get_attachments: true,
      get_attachment_output: true,
      get_attachments_output: true,
    },
    modes: ["rw", "ro"],
    plugin: { resource: true, name: "cinder", version },
  });
});
