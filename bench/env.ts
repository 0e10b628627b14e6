/**
 * Where the benchmark runs: the repository, the local stack's settings (.local/stack/env.json) and
 * the engine that scripts/bench.sh prepared (scripts/engine/env.sh sourced into the environment).
 *
 * The bench is compiled to .local/bench-dist, so nothing here derives paths from the compiled
 * file's position beyond finding the repository's package.json upwards.
 */
import { existsSync, readFileSync } from "node:fs";
import * as path from "node:path";

const PACKAGE_NAME = "pulumi-cinder-attachment";

function findRepoRoot(start: string): string {
  for (let dir = start; ; dir = path.dirname(dir)) {
    const manifest = path.join(dir, "package.json");
    if (existsSync(manifest)) {
      const { name } = JSON.parse(readFileSync(manifest, "utf8")) as { name?: string };
      if (name === PACKAGE_NAME) return dir;
    }
    if (path.dirname(dir) === dir) {
      throw new Error(`no package.json of ${PACKAGE_NAME} above ${start}`);
    }
  }
}

/** The repository's root folder. */
export const repoRoot: string = process.env["BENCH_REPO_ROOT"] ?? findRepoRoot(__dirname);

/** The local stack's settings as `scripts/stack/stack.sh start` wrote them. */
export function stackEnv(): Record<string, string> {
  const file = path.join(repoRoot, ".local", "stack", "env.json");
  try {
    return JSON.parse(readFileSync(file, "utf8")) as Record<string, string>;
  } catch {
    throw new Error(`${file} is missing: start the stack with "bash scripts/stack/stack.sh start --keystone"`);
  }
}

/** A required value of the stack's settings. */
export function stackSetting(key: string): string {
  const value = stackEnv()[key];
  if (!value) throw new Error(`.local/stack/env.json has no ${key}: restart the stack with --keystone`);
  return value;
}

/** The origin (`http://host:port`) of a URL such as `http://127.0.0.1:18776/v3`. */
export function originOf(url: string): string {
  return new URL(url).origin;
}

/** `url` with its origin replaced by `origin` (to route a client through a counting proxy). */
export function viaOrigin(url: string, origin: string): string {
  const parsed = new URL(url);
  return `${origin}${parsed.pathname.replace(/\/+$/, "")}`;
}

/** The noauth settings the provider (and the cinder CLI) read from the environment. */
export function noauthEnv(endpoint: string): NodeJS.ProcessEnv {
  const env = stackEnv();
  return {
    OS_AUTH_TYPE: "noauth",
    CINDER_ENDPOINT: endpoint,
    OS_USER_ID: env["OS_USER_ID"] ?? "admin",
    OS_PROJECT_ID: env["OS_PROJECT_ID"] ?? "admin",
  };
}

/** The engine as scripts/bench.sh prepared it. */
export interface EngineInfo {
  /** Absolute path of `pulumi`. */
  readonly pulumi: string;
  /** Install root in PulumiCommand's sense (`<root>/bin/pulumi`). */
  readonly root: string;
}

/** The engine from `PULUMI_ENGINE_BIN` (set by scripts/engine/env.sh, which scripts/bench.sh sources). */
export function engineInfo(): EngineInfo {
  const bin = process.env["PULUMI_ENGINE_BIN"];
  if (!bin || !existsSync(path.join(bin, "pulumi"))) {
    throw new Error("PULUMI_ENGINE_BIN is not set or holds no pulumi: run the bench with `npm run bench`");
  }
  return { pulumi: path.join(bin, "pulumi"), root: path.dirname(bin) };
}
