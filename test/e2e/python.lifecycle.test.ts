/**
 * The resource plugin from a Python program on the generated SDK (pulumi_cinder, sdks/python):
 * test/e2e/programs/python-attach, run inline by the Python Automation API (driver.py) in the venv
 * of scripts/python-env.sh, with the real engine and the local Cinder. Reserve, then connect in a
 * second up (an in-place update), no change planned after it, a connector change planned and
 * applied as an update, refresh, destroy; `cinder attachment-list` agrees after each step; the CHAP
 * password is a secret in the Automation API's outputs and not plain text in the exported state; a
 * malformed volume ID fails in preview, naming volumeId.
 */
import { execFile } from "node:child_process";
import { rm } from "node:fs/promises";
import path from "node:path";
import { cinder, parseListIds } from "../support/cinderCli";
import { ensurePlugin } from "../support/plugin";
import { engineEnv, getEngine, localDir, repoRoot, uniqueStackName } from "./support/engine";
import { localCinderConfig, PLUGIN_ATTACHMENT_TYPE } from "./support/examples";
import { cinderSuite } from "./support/lifecycle";

jest.setTimeout(240_000);

const INSTANCE = "2b3c4d5e-6f70-4812-9a3b-4c5d6e7f8091";
const HOST = { initiator: "iqn.1993-08.org.debian:01:python-1", hostIp: "127.0.0.1", host: "python-1" };
const MOVED = { initiator: "iqn.1993-08.org.debian:01:python-2", hostIp: "127.0.0.2", host: "python-2" };
const DRIVER = path.join(repoRoot, "test", "e2e", "programs", "python-attach", "driver.py");

const suite = cinderSuite("e2e-python");

/** An output as the Python Automation API gives it. */
interface OutputValue {
  value: unknown;
  secret: boolean;
}
/** A planned step (the engine's resource-pre event) as driver.py prints it. */
interface Step {
  op: string;
  name: string;
  type: string;
  keys: string[];
  detailedDiff: Record<string, string>;
}
interface Summary {
  result: string;
  resourceChanges: Record<string, number>;
}
interface UpResult {
  summary: Summary;
  outputs: Record<string, OutputValue>;
  steps: Step[];
}
interface PreviewResult {
  changeSummary: Record<string, number>;
  steps: Step[];
}

/** One Python stack driven through driver.py; every command sets `config` first. */
interface PythonStack {
  up(): Promise<UpResult>;
  preview(): Promise<PreviewResult>;
  refresh(): Promise<{ summary: Summary }>;
  destroy(): Promise<{ summary: Summary }>;
  /** What `pulumi stack export` prints (secrets encrypted), as text. */
  exportText(): Promise<string>;
  /** Replaces the project config (keys without `:`) on top of the local Cinder's `cinder:*`. */
  setConfig(config: Record<string, string>): void;
}

let python = "";
let driverEnv: NodeJS.ProcessEnv = {};

beforeAll(async () => {
  const engine = await getEngine();
  ensurePlugin();
  python = (await runFile("bash", [path.join(repoRoot, "scripts", "python-env.sh")])).trim().split("\n").pop() ?? "";
  driverEnv = {
    ...process.env,
    ...engineEnv(),
    PATH: `${engine.binDir}:${process.env["PATH"] ?? ""}`,
    PYTHONDONTWRITEBYTECODE: "1",
  };
});

function runFile(file: string, args: string[], env?: NodeJS.ProcessEnv): Promise<string> {
  return new Promise((resolve, reject) =>
    execFile(file, args, { cwd: repoRoot, env, maxBuffer: 32 * 1024 * 1024 }, (err, stdout, stderr) =>
      err
        ? reject(new Error(`${path.basename(file)} ${args[0] ?? ""}: ${err.message}\n${stdout}\n${stderr}`))
        : resolve(stdout),
    ),
  );
}

/** Runs `driver.py <command>`; resolves its JSON, or rejects with the error it printed. */
async function drive<T>(command: string, request: object): Promise<T> {
  const stdout = await runFile(python, [DRIVER, command, JSON.stringify(request)], driverEnv).catch((err: Error) => {
    const printed = /^\{"error":.*$/m.exec(err.message);
    throw new Error(printed ? (JSON.parse(printed[0]) as { error: string }).error : err.message);
  });
  return JSON.parse(stdout) as T;
}

/**
 * A fresh stack for `fn`; destroyed and removed afterwards, whether `fn` failed or not (an error of
 * `fn` wins over a cleanup error).
 */
async function withPythonStack(name: string, config: Record<string, string>, fn: (s: PythonStack) => Promise<void>) {
  const stack = uniqueStackName(name);
  const workDir = path.join(localDir, "e2e", stack);
  const cinderConfig = Object.fromEntries(Object.entries(localCinderConfig()).map(([k, v]) => [k, v.value]));
  let current = config;
  const request = () => ({ stack, workDir, pluginDir: ensurePlugin(), config: { ...cinderConfig, ...current } });
  const handle: PythonStack = {
    up: () => drive("up", request()),
    preview: () => drive("preview", request()),
    refresh: () => drive("refresh", request()),
    destroy: () => drive("destroy", request()),
    exportText: async () => JSON.stringify(await drive<object>("export", request())),
    setConfig: (next) => (current = next),
  };
  const cleanup = async () => {
    await drive("dispose", request());
    await rm(workDir, { recursive: true, force: true });
  };
  try {
    await fn(handle);
  } catch (err) {
    await cleanup().catch((cleanupError: unknown) => console.error(`cleanup of ${stack} failed too:`, cleanupError));
    throw err;
  }
  await cleanup();
}

const listed = async (volumeId: string) => parseListIds(await cinder(["attachment-list", "--volume-id", volumeId]));

test("reserve, then connect in a second up (an in-place update); no change planned after it; a connector change is an update; refresh; destroy; attachment-list agrees after each; the CHAP password stays secret", async () => {
  const volume = await suite.createVolume();
  await withPythonStack("py-lifecycle", { volume: volume.id, instanceUuid: INSTANCE }, async (s) => {
    const reserved = await s.up();
    expect(reserved.summary).toMatchObject({ result: "succeeded", resourceChanges: { create: 2 } });
    expect(reserved.outputs["status"]).toEqual({ value: "reserved", secret: false });
    const attachmentId = reserved.outputs["attachmentId"]?.value as string;
    expect(await listed(volume.id)).toEqual([attachmentId]);

    s.setConfig({ volume: volume.id, instanceUuid: INSTANCE, ...HOST });
    const connected = await s.up();
    expect(connected.summary.resourceChanges).toEqual({ same: 1, update: 1 });
    expect(connected.steps).toMatchObject([{ op: "update", name: "data", type: PLUGIN_ATTACHMENT_TYPE, keys: [] }]);
    expect(connected.outputs["attachmentId"]?.value).toBe(attachmentId);
    expect(connected.outputs["status"]?.value).toBe("attached");
    expect(await listed(volume.id)).toEqual([attachmentId]);
    const chap = connected.outputs["chapPassword"];
    expect(chap?.secret).toBe(true);
    expect(chap?.value).toEqual(expect.stringMatching(/^\S{8,}$/));
    const exported = await s.exportText();
    expect(exported).toContain(attachmentId);
    expect(exported).toContain('"additionalSecretOutputs":["credentials"]');
    expect(exported).not.toContain(chap?.value as string);

    const unchanged = await s.preview();
    expect(unchanged.steps).toEqual([]);
    expect(unchanged.changeSummary).toEqual({ same: 2 });

    s.setConfig({ volume: volume.id, instanceUuid: INSTANCE, ...MOVED });
    expect((await s.preview()).steps).toEqual([
      {
        op: "update",
        name: "data",
        type: PLUGIN_ATTACHMENT_TYPE,
        keys: [],
        detailedDiff: { "connector.host": "update", "connector.initiator": "update", "connector.ip": "update" },
      },
    ]);
    const moved = await s.up();
    expect(moved.summary.resourceChanges).toEqual({ same: 1, update: 1 });
    expect(moved.outputs["attachmentId"]?.value).toBe(attachmentId);
    expect(await listed(volume.id)).toEqual([attachmentId]);

    const refreshed = await s.refresh();
    expect(refreshed.summary.result).toBe("succeeded");
    expect(await listed(volume.id)).toEqual([attachmentId]);
    expect((await s.preview()).steps).toEqual([]);

    const destroyed = await s.destroy();
    expect(destroyed.summary.resourceChanges).toEqual({ delete: 2 });
    expect(await listed(volume.id)).toEqual([]);
  });
});

test("a malformed volume ID fails in preview, naming volumeId", async () => {
  await withPythonStack(
    "py-bad-input",
    { volume: "11111111-2222-3333-4444-55555555555", instanceUuid: INSTANCE },
    async (s) => {
      await expect(s.preview()).rejects.toThrow(
        /property volumeId value \{11111111-2222-3333-4444-55555555555\} has a problem: .*malformed/,
      );
    },
  );
});
