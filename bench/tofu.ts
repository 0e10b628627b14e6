/**
 * The Terraform peer: OpenTofu with terraform-provider-openstack's `openstack_blockstorage_volume_attach_v3`,
 * both built from source by scripts/peer.sh, the provider given to OpenTofu through a CLI config
 * file's `dev_overrides` (no registry, no `tofu init`).
 */
import { execFileSync, spawn } from "node:child_process";
import { existsSync, promises as fs } from "node:fs";
import * as path from "node:path";
import { performance } from "node:perf_hooks";
import { repoRoot } from "./env";

/** The peer as scripts/peer.sh built it. */
export interface TofuInstall {
  /** Absolute path of `tofu`. */
  readonly bin: string;
  /** The CLI config with the provider's dev override (TF_CLI_CONFIG_FILE). */
  readonly cliConfig: string;
  /** `tofu version -json`'s version. */
  readonly version: string;
  /** terraform-provider-openstack's version (from the cache folder's name, which scripts/peer.sh derives from its pin). */
  readonly providerVersion: string;
}

/**
 * Runs scripts/peer.sh (instant when cached; it builds OpenTofu and the provider when not, which
 * takes minutes of CPU) and returns what it made. Its progress goes to `log`.
 */
export async function prepareTofu(log: (line: string) => void): Promise<TofuInstall> {
  const script = path.join(repoRoot, "scripts", "peer.sh");
  const stdout = await new Promise<string>((resolve, reject) => {
    const child = spawn("bash", [script], { cwd: repoRoot, stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    let pending = "";
    child.stdout.on("data", (chunk: Buffer) => (out += chunk.toString("utf8")));
    child.stderr.on("data", (chunk: Buffer) => {
      pending += chunk.toString("utf8");
      const lines = pending.split("\n");
      pending = lines.pop() ?? "";
      for (const line of lines) if (line.startsWith("peer:")) log(line);
    });
    child.once("error", reject);
    child.once("exit", (code) =>
      code === 0 ? resolve(out) : reject(new Error(`scripts/peer.sh exited ${code ?? "by a signal"}`)),
    );
  });
  const bin = stdout.trim().split("\n").at(-1) ?? "";
  const cache = path.dirname(path.dirname(bin));
  const cliConfig = path.join(cache, "tofurc");
  if (!existsSync(bin) || !existsSync(cliConfig)) throw new Error(`scripts/peer.sh printed "${bin}", which is no tofu`);
  const answer = execFileSync(bin, ["version", "-json"], { encoding: "utf8", env: { PATH: "/usr/bin:/bin" } });
  const { terraform_version: version } = JSON.parse(answer) as { terraform_version: string };
  const providerVersion = /-openstack-v([^/]+)$/.exec(cache)?.[1] ?? "?";
  return { bin, cliConfig, version, providerVersion };
}

/** Where the peer's resources are and how it reaches OpenStack. */
export interface TofuSetup {
  /** The volumes to attach, one attachment each. */
  readonly volumes: readonly string[];
  /** Cinder's v3 endpoint (here the counting proxy's), for the provider's `endpoint_overrides`. */
  readonly cinderEndpoint: string;
  /** The OS_* variables of the user (OS_AUTH_URL, OS_USERNAME, OS_PASSWORD, project, domains, region). */
  readonly auth: NodeJS.ProcessEnv;
}

/** The configuration a Terraform user writes for N attachments: one resource with `count`. */
export function tofuConfiguration(volumes: readonly string[], cinderEndpoint: string): string {
  const endpoint = cinderEndpoint.replace(/\/*$/, "/");
  return `terraform {
  required_providers {
    openstack = {
      source = "terraform-provider-openstack/openstack"
    }
  }
}

# Credentials from the OS_* environment. Cinder is in the catalog; the override only routes the
# block-storage requests through the bench's counting proxy.
provider "openstack" {
  endpoint_overrides = {
    volumev3 = "${endpoint}"
  }
}

locals {
  volumes = ${JSON.stringify(volumes)}
}

resource "openstack_blockstorage_volume_attach_v3" "data" {
  count      = length(local.volumes)
  volume_id  = local.volumes[count.index]
  host_name  = "bench-host-\${count.index}"
  initiator  = "iqn.1993-08.org.debian:01:bench-\${count.index}"
  ip_address = "192.0.2.20"
  device     = "/dev/vdb" # os-attach requires a mountpoint
}
`;
}

/** One finished tofu command. */
export interface TofuResult {
  readonly wallMs: number;
  readonly code: number;
  readonly output: string;
}

/** A tofu working directory (configuration, local state) and the clean environment its commands run in. */
export class TofuWorkspace {
  private auth: NodeJS.ProcessEnv = {};

  constructor(
    private readonly install: TofuInstall,
    /** The working directory (made by {@link write}). */
    readonly dir: string,
  ) {}

  /** Writes the configuration for `setup` (replacing the previous one; the state stays). */
  async write(setup: TofuSetup): Promise<void> {
    this.auth = setup.auth;
    await fs.mkdir(this.dir, { recursive: true });
    await fs.writeFile(path.join(this.dir, "main.tf"), tofuConfiguration(setup.volumes, setup.cinderEndpoint));
  }

  /**
   * The command's environment: only what OpenTofu and the provider need. The provider refuses
   * OS_USER_ID next to a user name, so nothing of the bench's own environment leaks in.
   */
  private env(): NodeJS.ProcessEnv {
    const defined = Object.entries(this.auth).filter((entry): entry is [string, string] => entry[1] !== undefined);
    return {
      PATH: "/usr/bin:/bin",
      HOME: this.dir,
      TF_CLI_CONFIG_FILE: this.install.cliConfig,
      TF_IN_AUTOMATION: "1",
      TF_INPUT: "0",
      CHECKPOINT_DISABLE: "1",
      ...Object.fromEntries(defined),
    };
  }

  /** Runs `tofu <args>` in the working directory; resolves with its wall time, exit code and output. */
  run(args: readonly string[]): Promise<TofuResult> {
    return new Promise((resolve, reject) => {
      const started = performance.now();
      const child = spawn(this.install.bin, [...args, "-no-color"], {
        cwd: this.dir,
        env: this.env(),
        stdio: ["ignore", "pipe", "pipe"],
      });
      let output = "";
      child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString("utf8")));
      child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString("utf8")));
      child.once("error", reject);
      child.once("exit", (code) => resolve({ wallMs: performance.now() - started, code: code ?? -1, output }));
    });
  }

  /** Resources in the local state (0 without a state). */
  async stateResources(): Promise<number> {
    try {
      const state = JSON.parse(await fs.readFile(path.join(this.dir, "terraform.tfstate"), "utf8")) as {
        resources?: { instances?: unknown[] }[];
      };
      return (state.resources ?? []).reduce((sum, r) => sum + (r.instances?.length ?? 0), 0);
    } catch {
      return 0;
    }
  }
}
