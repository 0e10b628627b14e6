/** Facts about the machine and the versions in play, collected by every run. */
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { repoRoot } from "./env";

/** The machine and versions, as label -> value. */
export type MachineFacts = Record<string, string>;

function tryRun(file: string, args: string[]): string {
  try {
    return execFileSync(file, args, { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"], timeout: 30_000 }).trim();
  } catch {
    return "?";
  }
}

function debVersion(pkg: string): string {
  const version = tryRun("dpkg-query", ["-W", "-f=${Version}", pkg]);
  return version.replace(/^\d+:/, "");
}

function packageVersion(name: string): string {
  try {
    const manifest = path.join(repoRoot, "node_modules", ...name.split("/"), "package.json");
    return (JSON.parse(readFileSync(manifest, "utf8")) as { version: string }).version;
  } catch {
    return "?";
  }
}

function readFirst(file: string, pattern: RegExp): string {
  try {
    return pattern.exec(readFileSync(file, "utf8"))?.[1]?.trim() ?? "?";
  } catch {
    return "?";
  }
}

/** Collects the facts (at the start of a run); `pulumi` is the engine binary. */
export function machineFacts(pulumi: string): MachineFacts {
  const [one, five] = os.loadavg();
  return {
    CPU: `${os.availableParallelism()} × ${readFirst("/proc/cpuinfo", /^model name\s*:\s*(.*)$/m)} (nproc ${tryRun("nproc", [])})`,
    Memory: `${(os.totalmem() / 1024 ** 3).toFixed(1)} GiB total, ${(os.freemem() / 1024 ** 3).toFixed(1)} GiB free at start`,
    "Load average at start": `${(one ?? 0).toFixed(2)} (1 min), ${(five ?? 0).toFixed(2)} (5 min)`,
    OS: `Debian ${readFirst("/etc/debian_version", /^(.*)$/m)}, Linux ${os.release()}`,
    "Node.js": process.version,
    "Pulumi CLI": tryRun(pulumi, ["version"]),
    "@pulumi/pulumi (npm)": packageVersion("@pulumi/pulumi"),
    "axios (provider HTTP)": packageVersion("axios"),
    "Cinder (python3-cinder)": debVersion("python3-cinder"),
    "Keystone (python3-keystone)": debVersion("python3-keystone"),
    "python-cinderclient": debVersion("python3-cinderclient"),
    "cinder CLI": tryRun("cinder", ["--version"]),
    openstacksdk: debVersion("python3-openstacksdk"),
    keystoneauth1: debVersion("python3-keystoneauth1"),
    Python: tryRun("/usr/bin/python3", ["--version"]),
  };
}

/** The versions the Python peers process reported (what it imported), over the packages' versions. */
export function peerVersions(versions: Record<string, string> | undefined): MachineFacts {
  if (!versions) return {};
  const facts: MachineFacts = {};
  if (versions["cinderclient"]) facts["python-cinderclient"] = `${versions["cinderclient"]} (imported)`;
  if (versions["openstacksdk"]) facts["openstacksdk"] = `${versions["openstacksdk"]} (imported)`;
  if (versions["python"]) facts["Python"] = `${versions["python"]} (/usr/bin/python3)`;
  return facts;
}
