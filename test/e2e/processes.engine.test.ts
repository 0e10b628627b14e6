/**
 * Process lifetime of `pulumi up` through the real CLI (issue 17, points 3 and 4; the dynamic-provider
 * face): the CLI runs `examples/iscsi-attach` against the local Cinder through a loopback proxy,
 * whose view of the requests times what is done to the CLI.
 *
 * - Killed: the CLI's whole process group gets SIGKILL right after Cinder answered the attachment
 *   POST (the policy pack on, so that a policy analyzer runs too). The engine sends its plugins
 *   nothing then, and they run in process groups of their own, so the language host, the policy
 *   analyzer, the dynamic provider's node process and the program must notice by themselves and
 *   exit within seconds.
 * - Interrupted: one SIGINT while Cinder holds the attachment POST. The engine must let the create
 *   finish and record what Cinder made; nothing is leaked, the next `up` changes nothing, `destroy`
 *   leaves nothing.
 *
 * The processes of a run are told apart from everything else on the machine by an environment
 * marker given to the CLI (see support/processes.ts).
 */
import * as path from "node:path";
import { audit } from "../support/audit";
import type { Fault } from "../support/proxy";
import { cli, startCli, waitFor, withProxiedExample } from "./support/cli";
import { repoRoot } from "./support/engine";
import { cinderSuite } from "./support/lifecycle";
import { type ProcessRole, killProcessesOfRun, processesLeftAfter, processesOfRun } from "./support/processes";

jest.setTimeout(300_000);

/** How long the processes of a killed run may outlive it: "within a few seconds". */
const EXIT_WITHIN_MS = 5_000;
/** How long the proxy holds Cinder's answer to the attachment POST in the interrupt test. */
const HELD_ANSWER_MS = 3_000;
const FORWARD: Fault = { kind: "forward" };
const INSTANCE = "3c6f1b8e-2d4a-4f0b-8e7c-5a9d1e2f3b40";
const isAttachmentPost = (method: string, url: string) => method === "POST" && /\/attachments$/.test(url);

const suite = cinderSuite("e2e-processes");

const roles = (processes: readonly { role: ProcessRole }[]) => [...new Set(processes.map((p) => p.role))].sort();

test(`after a SIGKILL of the CLI's process group right after Cinder answered the attachment POST, the language host, the policy analyzer it runs, the dynamic provider and the program exit by themselves within ${EXIT_WITHIN_MS / 1000} s`, async () => {
  const volume = await suite.createVolume();
  await withProxiedExample("sigkill", { volume: volume.id, instanceUuid: INSTANCE }, async ({ stack, proxy, mark }) => {
    // With the policy pack, so that the language host runs a policy analyzer too.
    const policyPack = path.join(repoRoot, "policy");
    const run = await startCli(stack, ["up", "--yes", "--skip-preview", "--policy-pack", policyPack], mark);
    try {
      await waitFor(
        () => proxy.exchanges.some((e) => isAttachmentPost(e.method, e.path)),
        "the attachment POST",
        180_000,
        run,
      );
      // While the create is in flight, every process of the run is there to be found.
      const alive = processesOfRun(mark);
      expect(roles(alive)).toEqual(
        expect.arrayContaining(["dynamic provider", "language host", "policy analyzer", "program", "pulumi CLI"]),
      );

      process.kill(-run.group, "SIGKILL");
      await run.exited;
      const left = await processesLeftAfter(mark, EXIT_WITHIN_MS);
      expect(left).toEqual([]);
    } finally {
      killProcessesOfRun(mark);
      // What a pipeline's retry does first: release the lock the killed run kept.
      await cli(stack, ["cancel", "--yes"], mark).catch((err: unknown) => console.error(err));
      // The attachment the killed create made stays in Cinder (issue 17, point 1): `volumes.cleanup`
      // deletes it. Destroying what the state holds lets the stack be removed.
      await stack.destroy();
    }
  });
});

test(`one SIGINT to pulumi up while Cinder holds the attachment POST lets the create finish: the state records the attachment Cinder made and Cinder has no other; no process of the run outlives it; the next up changes nothing and destroy leaves nothing`, async () => {
  const volume = await suite.createVolume();
  let interrupt: () => void = () => undefined;
  let interruptedAt: number | undefined;
  const holdTheAttachmentPost = (method: string, url: string): Fault => {
    if (interruptedAt !== undefined || !isAttachmentPost(method, url)) return FORWARD;
    interruptedAt = Date.now();
    interrupt();
    return { kind: "delay-response", ms: HELD_ANSWER_MS };
  };
  await withProxiedExample(
    "sigint",
    { volume: volume.id },
    async ({ stack, proxy, mark }) => {
      try {
        const run = await startCli(stack, ["up", "--yes", "--skip-preview"], mark);
        // As a terminal's Ctrl-C: to the CLI's process group, once.
        interrupt = () => process.kill(-run.group, "SIGINT");
        const { code } = await run.exited;
        // Not before the held answer reached the provider: the CLI waited for the in-flight create,
        // reported it done, and then ended the update as cancelled.
        expect(Date.now() - (interruptedAt ?? Infinity)).toBeGreaterThanOrEqual(HELD_ANSWER_MS);
        expect(code).not.toBe(0);
        expect(run.output()).toMatch(/\^C received; cancelling[^]*VolumeAttachment data created[^]*update canceled/);
        expect(await processesLeftAfter(mark, EXIT_WITHIN_MS)).toEqual([]);

        const post = proxy.exchanges.find((e) => isAttachmentPost(e.method, e.path));
        const made = (JSON.parse(post?.responseBody ?? "{}") as { attachment?: { id?: string } }).attachment?.id;
        expect(made).toEqual(expect.stringMatching(/^[0-9a-f-]{36}$/));
        const recorded = await stack.recordedAttachments();
        expect(recorded.map((a) => [a.id, a.initErrors ?? []])).toEqual([[made, []]]);
        expect(await audit(suite.cinder.client, [volume.id], [made as string])).toMatchObject({
          clean: true,
          seen: [`${made} attached`],
        });

        // The run released the lock: the next commands need no `pulumi cancel`.
        expect((await stack.preview()).steps).toEqual([]);
        await stack.up();
        expect((await stack.recordedAttachments()).map((a) => a.id)).toEqual([made]);
        expect((await suite.cinder.attachments(volume.id)).map((a) => a.id)).toEqual([made]);

        await stack.destroy();
        expect(await suite.cinder.attachments(volume.id)).toEqual([]);
        expect(await suite.cinder.waitForVolume(volume.id, "available")).toBe("available");
      } catch (err) {
        // Whatever the run left in the state goes, so that the stack can be removed; what it left
        // only in Cinder goes with the volume (`volumes.cleanup`).
        await stack.destroy().catch(() => undefined);
        throw err;
      }
    },
    holdTheAttachmentPost,
  );
});
