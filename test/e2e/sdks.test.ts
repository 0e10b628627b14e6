/**
 * The plugin's SDKs (sdks/<language>/) are what Pulumi's code generator makes of the checked-in
 * package schema (`npm run sdks -- --check`, with pulumi-cinder-sdkgen of scripts/engine.sh), and
 * the nodejs SDK works for a program of this repository: `pulumi-cinder` resolves by name to its
 * compiled bin/ (node_modules/pulumi-cinder, made by scripts/setup.sh; `npm run build` compiles it)
 * and its types check a program that uses them; the python SDK installs with pip (scripts/python-env.sh
 * installs sdks/python into its venv) and has the same resource, provider and functions; the go SDK (the module sdks/go, package cinder) builds
 * and vets with its checked-in go.sum (-mod=readonly), and a Go program on it compiles, a misspelt
 * connector field not.
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

/** Runs `go` with -mod=readonly: go.mod and go.sum must already hold every module (fetched from the module cache, else the module proxy). */
function go(args: string[], cwd: string) {
  const env = {
    ...process.env,
    PATH: `${process.env["PATH"] ?? ""}:/usr/local/go/bin`,
    GOFLAGS: "-mod=readonly -buildvcs=false",
  };
  return run("go", args, { cwd, env, maxBuffer: 16 * 1024 * 1024 });
}

test("the Go SDK module builds and vets with its checked-in go.mod and go.sum (-mod=readonly)", async () => {
  const sdk = path.join(repoRoot, "sdks", "go");
  expect(await readFile(path.join(sdk, "go.mod"), "utf8")).toMatch(
    /^module github\.com\/pulumi-cinder-attachment\/pulumi-cinder\/sdks\/go\n[\s\S]*\tgithub\.com\/pulumi\/pulumi\/sdk\/v3 v3\.248\.0\n/,
  );
  await expect(go(["build", "./..."], sdk)).resolves.toEqual({ stdout: "", stderr: "" });
  await expect(go(["vet", "./..."], sdk)).resolves.toEqual({ stdout: "", stderr: "" });
}, 600_000);

test("a Go program on the SDK's types compiles, and a misspelt connector field does not", async () => {
  const dir = await mkdtemp(path.join(localDir, "sdk-go-program-"));
  try {
    // The requirements of the e2e Go program (test/e2e/programs/go-attach), its replace pointed here.
    const goAttach = path.join(repoRoot, "test", "e2e", "programs", "go-attach");
    const goMod = (await readFile(path.join(goAttach, "go.mod"), "utf8"))
      .replace(/^module .*$/m, "module sdk-go-program")
      .replace(/=> \.\.\/\.\.\/\.\.\/\.\.\/sdks\/go$/m, `=> ${path.join(repoRoot, "sdks", "go")}`);
    await writeFile(path.join(dir, "go.mod"), goMod);
    await writeFile(path.join(dir, "go.sum"), await readFile(path.join(goAttach, "go.sum")));
    const program = (connectorFields: string) =>
      [
        "package main",
        "",
        "import (",
        '\t"github.com/pulumi-cinder-attachment/pulumi-cinder/sdks/go/cinder"',
        '\t"github.com/pulumi/pulumi/sdk/v3/go/pulumi"',
        ")",
        "",
        "func main() {",
        "\tpulumi.Run(func(ctx *pulumi.Context) error {",
        '\t\teast, err := cinder.NewProvider(ctx, "east", &cinder.ProviderArgs{',
        '\t\t\tCloud: pulumi.String("east"), Insecure: pulumi.Bool(true), RequestTimeout: pulumi.Float64(30),',
        '\t\t\tPassword: pulumi.ToSecret(pulumi.String("p")).(pulumi.StringOutput),',
        "\t\t})",
        "\t\tif err != nil {",
        "\t\t\treturn err",
        "\t\t}",
        '\t\tattachment, err := cinder.NewVolumeAttachment(ctx, "data", &cinder.VolumeAttachmentArgs{',
        '\t\t\tVolumeId:  pulumi.String("5f6d1e9c-4b7f-4c55-a6a3-0a9e8f3b8c21"),',
        `\t\t\tConnector: cinder.ConnectorArgs{${connectorFields}},`,
        "\t\t\tMode:      cinder.AttachModeRo,",
        "\t\t}, pulumi.Provider(east))",
        "\t\tif err != nil {",
        "\t\t\treturn err",
        "\t\t}",
        '\t\tctx.Export("status", attachment.Status)',
        '\t\tctx.Export("platform", attachment.Connector.Platform())',
        '\t\tctx.Export("credentials", attachment.Credentials)',
        "\t\tfound := cinder.GetAttachmentsOutput(ctx, cinder.GetAttachmentsOutputArgs{VolumeId: attachment.VolumeId}, pulumi.Provider(east))",
        '\t\tctx.Export("found", found.Attachments().Index(pulumi.Int(0)).AttachmentId())',
        "\t\treturn nil",
        "\t})",
        "}",
        "",
      ].join("\n");
    const fields =
      'Initiator: pulumi.String("iqn.1993-08.org.debian:01:cad181614cec"), Ip: pulumi.String("192.0.2.10"), Multipath: pulumi.Bool(false), Extra: pulumi.Map{"do_local_attach": pulumi.Bool(false)}';
    await writeFile(path.join(dir, "main.go"), program(fields));
    await expect(go(["vet", "."], dir)).resolves.toEqual({ stdout: "", stderr: "" });
    await writeFile(path.join(dir, "main.go"), program('Initator: pulumi.String("iqn.1993-08.org.debian:01:x")'));
    await expect(go(["build", "-o", path.join(dir, "program"), "."], dir)).rejects.toThrow(
      /unknown field Initator in struct literal of type cinder\.ConnectorArgs/,
    );
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}, 600_000);
