/** python-cinderclient, the independent real client the contract tests cross-check against. */
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { noAuthEnv } from "./stack";

const run = promisify(execFile);

/** Runs `cinder <args>` against the local noauth Cinder at `microversion`; resolves stdout. */
export async function cinder(args: string[], microversion = "3.54"): Promise<string> {
  const { stdout } = await run("cinder", args, {
    env: { ...process.env, ...noAuthEnv(), OS_VOLUME_API_VERSION: microversion },
    timeout: 60_000,
  });
  return stdout;
}

/** Reads the `| Property | Value |` tables the cinder CLI prints into one key/value map. */
export function parseTable(stdout: string): Record<string, string> {
  const table: Record<string, string> = {};
  for (const line of stdout.split("\n")) {
    const match = /^\|\s*(\S[^|]*?)\s*\|\s*(.*?)\s*\|$/.exec(line);
    if (match && match[1] !== "Property" && match[1] !== "Key") {
      table[match[1] as string] = match[2] as string;
    }
  }
  return table;
}

/** The IDs in the first column of a `cinder ... list` table. */
export function parseListIds(stdout: string): string[] {
  return [...stdout.matchAll(/^\|\s*([0-9a-f]{8}-[0-9a-f-]{27})\s*\|/gm)].map((m) => m[1] as string);
}

/** Where `cinderAttach` connects: the cinder CLI's connector flags. */
export interface CliConnector {
  readonly initiator: string;
  readonly ip: string;
  readonly host: string;
}

/**
 * `cinder attachment-create <volume> --connect True --initiator ... --ip ... --host ...`: an attachment
 * made outside Pulumi, connected; resolves the table the CLI printed (its `id` among it).
 */
export async function cinderAttach(
  volumeId: string,
  connector: CliConnector,
  instanceUuid?: string,
): Promise<Record<string, string>> {
  const { initiator, ip, host } = connector;
  return parseTable(
    await cinder([
      "attachment-create",
      volumeId,
      ...(instanceUuid ? [instanceUuid] : []),
      "--connect",
      "True",
      "--initiator",
      initiator,
      "--ip",
      ip,
      "--host",
      host,
    ]),
  );
}
