/**
 * A Go program on the plugin's Go SDK (sdks/go, made by Pulumi's Go code generator) through the real
 * engine: test/e2e/programs/go-attach runs its program with the Automation API's inline source
 * (`auto.UpsertStackInlineSource`, no Go language host needed) and prints each result as JSON.
 * Reserve, then connect in a second `up` (an in-place update), a preview without change, a
 * connector change planned and applied as an update, refresh, destroy; `cinder attachment-list`
 * agrees after each step; the CHAP password is a secret output and only ciphertext in the export;
 * a malformed volume id fails the preview, naming `volumeId`.
 */
import { execFile, execFileSync } from "node:child_process";
import { readFile, rm } from "node:fs/promises";
import * as path from "node:path";
import { cinder, parseListIds } from "../support/cinderCli";
import { ensurePlugin } from "../support/plugin";
import { engineEnv, getEngine, localDir, repoRoot, stackStatePath, uniqueStackName } from "./support/engine";
import { localCinderConfig, PLUGIN_ATTACHMENT_TYPE } from "./support/examples";
import { cinderSuite } from "./support/lifecycle";

jest.setTimeout(240_000);

const INSTANCE = "3b2a1c0d-9e8f-4a7b-8c6d-5e4f3a2b1c0d";
const HOST = { host: "go-1", hostIp: "127.0.0.1", initiator: "iqn.1993-08.org.debian:01:go-1" };
const MOVED = { host: "go-2", hostIp: "127.0.0.2", initiator: "iqn.1993-08.org.debian:01:go-2" };
/** The signature key of a secret value in Pulumi state. */
const SECRET_SIG = "4dabf18193072939515e22adb298388d";
/** The Go program's project name (its default). */
const PROJECT = "cinder-go-e2e";

const suite = cinderSuite("e2e-go");

/** A stack output as the Automation API returns it: plain value, and whether it is a secret. */
interface Output {
  value: unknown;
  secret: boolean;
}
interface Step {
  op: string;
  name: string;
  type: string;
  keys: string[];
  detailedDiff?: Record<string, string>;
}
interface Summary {
  result: string;
  resourceChanges?: Record<string, number>;
}
interface Results {
  up: { summary: Summary; outputs: Record<string, Output>; steps: Step[] };
  preview: { changeSummary: Record<string, number>; steps: Step[] };
  refresh: { summary: Summary };
  destroy: { summary: Summary };
  remove: { removed: string };
  outputs: Record<string, Output>;
  export: { deployment: { resources?: { type: string; id?: string; outputs?: Record<string, unknown> }[] } };
}

let binary: string;

beforeAll(() => {
  // Cold: a few minutes (the Automation API's Go dependencies); cached in .local/go-attach after.
  binary = execFileSync("bash", [path.join(repoRoot, "test/e2e/programs/go-attach/build.sh")], {
    encoding: "utf8",
    stdio: ["ignore", "pipe", "inherit"],
  }).trim();
}, 600_000);

/** One stack of the Go program; `run` passes the stack config on every call. */
async function goStack(prefix: string) {
  const engine = await getEngine();
  const stack = uniqueStackName(prefix);
  const workDir = path.join(localDir, "e2e", stack);
  const base = Object.fromEntries(Object.entries(localCinderConfig()).map(([key, { value }]) => [key, value]));
  const flags = [
    "-project",
    PROJECT,
    "-stack",
    stack,
    "-work-dir",
    workDir,
    "-engine-root",
    engine.root,
    "-plugin",
    ensurePlugin(),
  ];
  let config: Record<string, string> = {};
  const run = <C extends keyof Results>(command: C, extra: string[] = []): Promise<Results[C]> =>
    new Promise((resolve, reject) =>
      execFile(
        binary,
        [command, ...flags, "-config", JSON.stringify({ ...base, ...config }), ...extra],
        { env: { ...process.env, ...engineEnv() }, maxBuffer: 32 * 1024 * 1024 },
        (err, stdout) => {
          const printed = JSON.parse(stdout || "{}") as Results[C] & { error?: string };
          if (err || printed.error) reject(new Error(`go-attach ${command}: ${printed.error ?? err?.message}`));
          else resolve(printed);
        },
      ),
    );
  return {
    name: stack,
    run,
    /** Sets the program's config (keys without `:`); replaces the previous one. */
    configure: (values: Record<string, string>) => (config = values),
    /** Removes the stack (destroying it first if it still has resources) and its work dir. */
    remove: async () => {
      await run("remove").catch(() => run("destroy", ["-remove"]));
      await rm(workDir, { recursive: true, force: true });
    },
  };
}

const listed = async (volumeId: string) => parseListIds(await cinder(["attachment-list", "--volume-id", volumeId]));

test("reserve, connect in a second up (in place), no change, a connector change planned and applied as an update, refresh, destroy; the CHAP password stays secret", async () => {
  const volume = await suite.createVolume();
  const s = await goStack("go-lifecycle");
  try {
    s.configure({ volume: volume.id, instanceUuid: INSTANCE });
    const reserved = await s.run("up");
    expect(reserved.summary.result).toBe("succeeded");
    expect(reserved.steps).toEqual([{ op: "create", name: "data", type: PLUGIN_ATTACHMENT_TYPE, keys: [] }]);
    expect(reserved.outputs["status"]).toEqual({ value: "reserved", secret: false });
    const attachmentId = reserved.outputs["attachmentId"]?.value as string;
    expect(await listed(volume.id)).toEqual([attachmentId]);

    s.configure({ volume: volume.id, instanceUuid: INSTANCE, ...HOST });
    const connected = await s.run("up");
    expect(connected.summary.resourceChanges).toEqual({ same: 1, update: 1 });
    expect(connected.steps).toMatchObject([{ op: "update", name: "data", keys: [] }]);
    expect(connected.outputs).toMatchObject({
      attachmentId: { value: attachmentId, secret: false },
      status: { value: "attached", secret: false },
      targetIqn: { value: `iqn.2010-10.org.openstack:volume-${volume.id}`, secret: false },
      chapPassword: { value: expect.stringMatching(/^\S{8,}$/) as unknown, secret: true },
    });
    expect(await listed(volume.id)).toEqual([attachmentId]);

    // The secret: marked so in the Automation API's outputs (above); ciphertext in `pulumi stack
    // export` and in the stored checkpoint. (Checked with includes(), so that a failure does not print it.)
    const password = connected.outputs["chapPassword"]?.value as string;
    const exported = await s.run("export");
    expect(JSON.stringify(exported).includes(password)).toBe(false);
    expect((await readFile(stackStatePath(PROJECT, s.name), "utf8")).includes(password)).toBe(false);
    const recorded = exported.deployment.resources?.filter((r) => r.type === PLUGIN_ATTACHMENT_TYPE) ?? [];
    expect(recorded.map((r) => r.id)).toEqual([attachmentId]);
    expect(recorded[0]?.outputs?.["credentials"]).toEqual({
      [SECRET_SIG]: "1b47061264138c4ac30d75fd1eb44270",
      ciphertext: expect.any(String) as unknown,
    });

    expect((await s.run("preview")).steps).toEqual([]);

    s.configure({ volume: volume.id, instanceUuid: INSTANCE, ...MOVED });
    expect((await s.run("preview")).steps).toEqual([
      {
        op: "update",
        name: "data",
        type: PLUGIN_ATTACHMENT_TYPE,
        keys: [],
        detailedDiff: { "connector.host": "update", "connector.initiator": "update", "connector.ip": "update" },
      },
    ]);
    const moved = await s.run("up");
    expect(moved.summary.resourceChanges).toEqual({ same: 1, update: 1 });
    expect(moved.outputs["attachmentId"]?.value).toBe(attachmentId);
    expect(await listed(volume.id)).toEqual([attachmentId]);

    const refreshed = await s.run("refresh");
    expect(refreshed.summary.result).toBe("succeeded");
    expect(refreshed.summary.resourceChanges).toEqual({ same: 2 });
    expect(await listed(volume.id)).toEqual([attachmentId]);

    const destroyed = await s.run("destroy");
    expect(destroyed.summary.resourceChanges).toEqual({ delete: 2 });
    expect(await listed(volume.id)).toEqual([]);
  } finally {
    await s.remove();
  }
});

test("a malformed volume id fails the preview, naming volumeId; the state records no attachment", async () => {
  const s = await goStack("go-malformed");
  try {
    s.configure({ volume: "11111111-2222-3333-4444-55555555555", instanceUuid: INSTANCE });
    await expect(s.run("preview")).rejects.toThrow(
      /volumeId\W+11111111-2222-3333-4444-55555555555\W+looks like an ID but is malformed/,
    );
    const { checkpoint } = JSON.parse(await readFile(stackStatePath(PROJECT, s.name), "utf8")) as {
      checkpoint: { latest?: { resources?: { type: string }[] } };
    };
    expect((checkpoint.latest?.resources ?? []).filter((r) => r.type === PLUGIN_ATTACHMENT_TYPE)).toEqual([]);
  } finally {
    await s.remove();
  }
});
