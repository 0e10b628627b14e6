/**
 * Our sides of the comparison with the Terraform peer: the `pulumi` CLI run as a user runs it
 * (`pulumi up --yes`, `preview`, `refresh --yes`, `destroy --yes`) on N attachments, in a project
 * folder of its own, through either face: a TypeScript program of N `VolumeAttachment`s (the dynamic
 * provider), or a Pulumi YAML program of N `cinder:index:VolumeAttachment`s (the resource plugin,
 * rewritten for each N). Beside each face, its floor: the same commands on the program that face
 * needs with nothing of ours in it (a YAML program with no resources; a TypeScript program of N
 * dynamic resources whose provider does nothing), what Pulumi itself takes. The stack is made and
 * configured through the Automation API (not timed); the timed commands are CLI processes.
 */
import { spawn } from "node:child_process";
import { promises as fs } from "node:fs";
import * as path from "node:path";
import { performance } from "node:perf_hooks";
import { type ConfigMap, LocalWorkspace, PulumiCommand, type Stack } from "@pulumi/pulumi/automation";
import { BENCH_PROJECT, removeBackendLeftovers } from "./engine";
import type { EngineInfo } from "./env";
import { type EngineFace, benchConnector, writeYamlProgram } from "./pluginEngine";

/** The i-th attachment's connector on our sides, as the peer's (`os-attach` needs a mountpoint). */
export function peerConnector(i: number): Record<string, string> {
  return { ...benchConnector(i), mountpoint: "/dev/vdb" };
}

/** The TypeScript program: one attachment per volume of the `volumes` config (a JSON list), connectors as {@link peerConnector}. */
const PROGRAM = `import * as pulumi from "@pulumi/pulumi";
import { VolumeAttachment } from "pulumi-cinder-attachment";

const volumes = new pulumi.Config().requireObject<string[]>("volumes");
volumes.forEach(
  (volumeId, i) =>
    new VolumeAttachment(\`data-\${i}\`, {
      volumeId,
      connector: {
        initiator: \`iqn.1993-08.org.debian:01:bench-\${i}\`,
        ip: "192.0.2.20",
        host: \`bench-host-\${i}\`,
        mountpoint: "/dev/vdb",
      },
    }),
);
`;

/**
 * The dynamic face's floor: one dynamic resource per volume of the `volumes` config, as the SDK
 * makes them (type token, provider module in `__provider`), whose provider creates each and does
 * nothing else: the engine, the Node host, the program and the dynamic-provider host with N
 * resources, with none of our code and no request.
 */
const FLOOR_PROGRAM = `import * as pulumi from "@pulumi/pulumi";

const volumes = new pulumi.Config().requireObject<string[]>("volumes");
volumes.forEach(
  (_, i) =>
    new pulumi.CustomResource("pulumi-nodejs:dynamic/bench:Floor", \`floor-\${i}\`, {
      __provider: 'exports.handler = () => ({ create: async () => ({ id: "floor", outs: {} }) });',
    }),
);
`;

/**
 * The YAML face's floor: a program with no resources (the engine and the YAML host). Not N resources
 * of a provider that does nothing: that provider would be a plugin of its own, whose start and calls
 * are a provider's cost, not the engine's; so all of the plugin's per-resource part counts as ours.
 */
const FLOOR_YAML = `name: ${BENCH_PROJECT}\nruntime: yaml\nresources: {}\n`;

/** What a project's program holds: N attachments of ours, or nothing of ours (its face's floor). */
export type ProgramKind = "attachments" | "floor";

const TSCONFIG = {
  compilerOptions: {
    strict: true,
    target: "ES2022",
    module: "commonjs",
    moduleResolution: "node",
    esModuleInterop: true,
    skipLibCheck: true,
    types: ["node"],
  },
  files: ["index.ts"],
};

/** Writes a TypeScript project of `program` into `dir`, as examples/iscsi-attach is laid out. */
export async function writeTypeScriptProgram(dir: string, program: string): Promise<void> {
  await fs.writeFile(
    path.join(dir, "Pulumi.yaml"),
    `name: ${BENCH_PROJECT}\nruntime:\n  name: nodejs\n  options:\n    typescript: true\nmain: index.ts\n`,
  );
  await fs.writeFile(path.join(dir, "index.ts"), program);
  await fs.writeFile(path.join(dir, "tsconfig.json"), `${JSON.stringify(TSCONFIG, null, 2)}\n`);
}

/** One finished `pulumi` command. */
export interface CliResult {
  readonly wallMs: number;
  readonly code: number;
  readonly output: string;
}

/** A project folder with the program, one stack of it, and the CLI that runs its commands. */
export class PulumiProject {
  private constructor(
    private readonly engine: EngineInfo,
    /** Which face the program uses: `dynamic` (TypeScript) or `plugin` (YAML). */
    readonly face: EngineFace,
    /** Attachments, or the face's floor. */
    readonly kind: ProgramKind,
    /** The project folder (under the repository, so the program resolves the package by name). */
    readonly dir: string,
    private readonly stack: Stack,
  ) {}

  /** Writes `face`'s project (of `kind`) into `dir` and makes stack `stackName` of it with `config`. */
  static async create(
    engine: EngineInfo,
    face: EngineFace,
    kind: ProgramKind,
    dir: string,
    stackName: string,
    config: ConfigMap,
  ): Promise<PulumiProject> {
    await fs.mkdir(dir, { recursive: true });
    if (face === "dynamic") {
      await writeTypeScriptProgram(dir, kind === "floor" ? FLOOR_PROGRAM : PROGRAM);
    } else if (kind === "floor") {
      await fs.writeFile(path.join(dir, "Pulumi.yaml"), FLOOR_YAML);
    } else {
      await writeYamlProgram(dir, BENCH_PROJECT, [], 0, peerConnector);
    }
    const stack = await LocalWorkspace.createOrSelectStack(
      { stackName, workDir: dir },
      { pulumiCommand: await PulumiCommand.get({ root: engine.root }) },
    );
    await stack.setAllConfig(config);
    return new PulumiProject(engine, face, kind, dir, stack);
  }

  /** The stack's name. */
  get stackName(): string {
    return this.stack.name;
  }

  /**
   * Sets the volumes the program attaches (not timed): the TypeScript programs' config (a floor
   * makes a resource of nothing per volume), or the YAML program itself (whose floor has none).
   */
  async setVolumes(volumes: readonly string[]): Promise<void> {
    if (this.face === "plugin" && this.kind === "floor") return;
    if (this.face === "plugin") await writeYamlProgram(this.dir, BENCH_PROJECT, volumes, volumes.length, peerConnector);
    else await this.stack.setConfig("volumes", { value: JSON.stringify(volumes) });
  }

  /** Runs `pulumi <args>` on the stack, as a terminal runs it; resolves with its wall time, exit code and output. */
  run(args: readonly string[]): Promise<CliResult> {
    return new Promise((resolve, reject) => {
      const started = performance.now();
      const child = spawn(
        this.engine.pulumi,
        [...args, "--stack", this.stack.name, "--non-interactive", "--color", "never"],
        {
          cwd: this.dir,
          env: { ...process.env, PULUMI_NODEJS_TRANSPILE_ONLY: "true" },
          stdio: ["ignore", "pipe", "pipe"],
        },
      );
      let output = "";
      child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString("utf8")));
      child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString("utf8")));
      child.once("error", reject);
      child.once("exit", (code) => resolve({ wallMs: performance.now() - started, code: code ?? -1, output }));
    });
  }

  /** Removes the stack (with `force` even when it still holds resources) and the backend's copies of it. */
  async remove(force: boolean): Promise<void> {
    await this.stack.workspace.removeStack(this.stack.name, { force });
    await removeBackendLeftovers(this.stack.name);
  }
}
