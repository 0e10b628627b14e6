/**
 * An interrupted deployment (issue 17), through the real CLI: `pulumi up` of examples/iscsi-attach
 * has its whole process group killed (SIGKILL) right after Cinder answered the attachment POST, as
 * a cancelled CI job or a lost runner kills it. The attachment is then in Cinder and only a pending
 * create in the state. The recovery docs/troubleshooting.md gives (the fenced blocks it marks with
 * {@link RECOVERY_MARKER} and {@link ADOPTION_MARKER}) must hand that attachment to the stack, so
 * that the next `up` makes no second one and `destroy` leaves nothing.
 */
import { execFile } from "node:child_process";
import { cinder, parseListIds } from "../support/cinderCli";
import { noAuthEnv } from "../support/stack";
import { cliEnv, startCli, waitFor, withProxiedExample } from "./support/cli";
import { fencedBlockAfter, readDoc } from "./support/docs";
import { type ExampleStack, exampleDir } from "./support/examples";
import { cinderSuite } from "./support/lifecycle";
import { killProcessesOfRun } from "./support/processes";

jest.setTimeout(300_000);

/** The comment in docs/troubleshooting.md right above the recovery block this test runs. */
const RECOVERY_MARKER = "<!-- recovery: run by test/e2e/interrupted.recovery.test.ts -->";
/** The comment above the block that adopts the orphan in examples/iscsi-attach. */
const ADOPTION_MARKER = "<!-- adoption: run by test/e2e/interrupted.recovery.test.ts -->";
const INSTANCE = "6a1f0c2e-9b3d-4e5f-8a7b-1c2d3e4f5a60";

const suite = cinderSuite("e2e-interrupted");

/** The attachment IDs the cinder CLI lists for a volume. */
async function cliAttachments(volumeId: string): Promise<string[]> {
  return parseListIds(await cinder(["attachment-list", "--volume-id", volumeId], "3.27"));
}

/**
 * Runs one line of the doc's block with bash in the example's folder, as the user's shell would:
 * the engine on PATH, the cinder CLI's noauth variables set, and `--stack` added to each `pulumi`
 * command (the example folder holds many stacks; the user's has one selected).
 */
async function runLine(line: string, stack: ExampleStack, mark: string): Promise<string> {
  const script = line.replace(/^pulumi (\S+)/, `pulumi $1 --stack ${stack.name}`);
  const env = { ...(await cliEnv(mark)), ...noAuthEnv() };
  return new Promise((resolve, reject) =>
    execFile(
      "bash",
      ["-e", "-o", "pipefail", "-c", script],
      { cwd: exampleDir(stack.example), env },
      (err, out, errOut) =>
        err ? reject(new Error(`${script} failed: ${err.message}\n${out}${errOut}`)) : resolve(out),
    ),
  );
}

test("after a SIGKILL of pulumi up right after Cinder made the attachment, the recovery the docs give hands the orphan to the stack: the next up makes no second attachment, destroy leaves none", async () => {
  const volume = await suite.createVolume();
  await withProxiedExample("killed", { volume: volume.id, instanceUuid: INSTANCE }, async ({ stack, proxy, mark }) => {
    const run = await startCli(stack, ["up", "--yes", "--skip-preview"], mark);
    await waitFor(
      () => proxy.exchanges.some((e) => e.method === "POST" && /\/attachments$/.test(e.path) && e.status < 300),
      "Cinder's answer to the attachment POST",
      180_000,
      run,
    );
    process.kill(-run.group, "SIGKILL");
    await run.exited;
    killProcessesOfRun(mark);
    const [orphan, ...others] = await cliAttachments(volume.id);
    expect(orphan).toBeDefined();
    expect(others).toEqual([]);

    // The blocks, line by line: <attachment-id> is the one attachment-list printed.
    const troubleshooting = await readDoc("troubleshooting.md");
    const lines = [RECOVERY_MARKER, ADOPTION_MARKER].flatMap((marker) =>
      fencedBlockAfter(troubleshooting, marker)
        .split("\n")
        .filter((line) => line.trim() !== ""),
    );
    let listed: string[] = [];
    for (const line of lines) {
      const out = await runLine(
        line.replace("<volume-id>", volume.id).replace("<attachment-id>", listed[0] ?? ""),
        stack,
        mark,
      );
      if (line.startsWith("cinder ")) listed = parseListIds(out);
    }
    expect(listed).toEqual([orphan]);

    // One attachment, the orphan, now the stack's own and finished; Cinder agrees.
    const recorded = await stack.recordedAttachments();
    expect(recorded.map((r) => r.id)).toEqual([orphan]);
    expect(await cliAttachments(volume.id)).toEqual([orphan]);
    expect(JSON.parse(await stack.exportText())).not.toHaveProperty("deployment.pending_operations.0");
    await stack.destroy();
    expect(await cliAttachments(volume.id)).toEqual([]);
  });
});
