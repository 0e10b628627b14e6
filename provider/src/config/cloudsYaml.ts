/**
 * clouds.yaml and secure.yaml, found where openstacksdk looks: `OS_CLIENT_CONFIG_FILE` (and
 * `OS_CLIENT_SECURE_FILE`), the current folder, `~/.config/openstack/`, `/etc/openstack/`.
 */
import { existsSync, readFileSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import { parse } from "yaml";
import { ProviderError, errorMessage } from "../errors";

/** A cloud entry, secure.yaml merged in. */
export interface CloudEntry {
  readonly name: string;
  /** The clouds.yaml that defines it. */
  readonly file: string;
  readonly values: Readonly<Record<string, unknown>>;
}

/** The named cloud is in no clouds.yaml, or a file cannot be read. */
export class CloudConfigError extends ProviderError {
  static override readonly kind: string = "CloudConfigError";
}

function candidates(base: string, override: string | undefined, env: NodeJS.ProcessEnv): string[] {
  const configHome = env.XDG_CONFIG_HOME ?? join(env.HOME ?? homedir(), ".config");
  return [
    override,
    join(process.cwd(), base),
    join(configHome, "openstack", base),
    join("/etc/openstack", base),
  ].filter((path): path is string => Boolean(path));
}

function cloudsOf(file: string): Record<string, unknown> {
  let document: unknown;
  try {
    document = parse(readFileSync(file, "utf8"));
  } catch (err) {
    throw new CloudConfigError(`${file} is not readable YAML: ${errorMessage(err).split("\n")[0]}`);
  }
  const clouds = (document as { clouds?: unknown } | null)?.clouds;
  return clouds !== null && typeof clouds === "object" ? (clouds as Record<string, unknown>) : {};
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

function deepMerge(base: Record<string, unknown>, over: Record<string, unknown>): Record<string, unknown> {
  const merged: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(over)) {
    const current = merged[key];
    merged[key] = isRecord(current) && isRecord(value) ? deepMerge(current, value) : value;
  }
  return merged;
}

/**
 * The cloud called `name`, from the first clouds.yaml that defines it, with the first secure.yaml
 * entry of the same name merged over it.
 * @throws CloudConfigError listing the files searched and the clouds they define.
 */
export function loadCloud(name: string, env: NodeJS.ProcessEnv): CloudEntry {
  const searched: string[] = [];
  for (const file of candidates("clouds.yaml", env.OS_CLIENT_CONFIG_FILE, env)) {
    if (!existsSync(file)) continue;
    const clouds = cloudsOf(file);
    searched.push(`${file} (${Object.keys(clouds).join(", ") || "no clouds"})`);
    const entry = clouds[name];
    if (!isRecord(entry)) continue;
    let values = entry;
    for (const secure of candidates("secure.yaml", env.OS_CLIENT_SECURE_FILE, env)) {
      const secrets = existsSync(secure) ? cloudsOf(secure)[name] : undefined;
      if (isRecord(secrets)) {
        values = deepMerge(values, secrets);
        break;
      }
    }
    return { name, file, values };
  }
  throw new CloudConfigError(
    `cloud "${name}" (OS_CLOUD or cinder:cloud) is not defined in any clouds.yaml; searched: ${
      searched.join("; ") || candidates("clouds.yaml", env.OS_CLIENT_CONFIG_FILE, env).join(", ") + " (none exist)"
    }`,
  );
}

/** The value at a dotted path (`auth.auth_url`) of a cloud entry. */
export function cloudValue(values: Readonly<Record<string, unknown>>, path: string): unknown {
  let current: unknown = values;
  for (const key of path.split(".")) {
    if (!isRecord(current)) return undefined;
    current = current[key];
  }
  return current;
}
