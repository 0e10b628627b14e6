/**
 * The resource plugin through the real engine, from a TypeScript program on the SDK that Pulumi's
 * code generator made from the plugin's schema (examples/plugin-iscsi-attach): up, a detailed
 * preview of a connector change and of a volume change, the update, refresh after an out-of-band
 * delete, import of an attachment the cinder CLI made, destroy; `cinder attachment-list` agrees
 * after each step, and the state holds no credential in plain text.
 */
import { cinder, cinderAttach, parseListIds } from "../support/cinderCli";
import { cli } from "./support/cli";
import { PLUGIN_ATTACHMENT_TYPE, withExample } from "./support/examples";
import { cinderSuite } from "./support/lifecycle";

jest.setTimeout(300_000);

const INSTANCE = "5c1d2e3f-4a5b-4c6d-8e7f-9a0b1c2d3e4f";
const HOST = { host: "plugin-1", hostIp: "127.0.0.1", initiator: "iqn.1993-08.org.debian:01:plugin-1" };
const MOVED = { host: "plugin-2", hostIp: "127.0.0.2", initiator: "iqn.1993-08.org.debian:01:plugin-2" };

const suite = cinderSuite("e2e-plugin");

const listed = async (volumeId: string) => parseListIds(await cinder(["attachment-list", "--volume-id", volumeId]));

test("up, detailed preview (connector.initiator an update, volumeId a replacement), update in place, refresh after an out-of-band delete, destroy", async () => {
  const volume = await suite.createVolume();
  const other = await suite.createVolume();
  // No instance: the out-of-band delete below is the cinder CLI's, which Cinder refuses for instance-bound attachments.
  const config = { volume: volume.id, ...HOST };
  await withExample("plugin-iscsi-attach", "lifecycle", { config }, async (s) => {
    const { summary, outputs } = await s.up();
    expect(summary.result).toBe("succeeded");
    expect(outputs).toMatchObject({ status: "attached", targetIqn: `iqn.2010-10.org.openstack:volume-${volume.id}` });
    const attachmentId = outputs["attachmentId"] as string;
    expect(await listed(volume.id)).toEqual([attachmentId]);
    // Secret in the outputs and in the state: masked by the CLI, encrypted in the export.
    expect((await s.maskedOutputs())["chapPassword"]).toBe("[secret]");
    const exported = await s.exportText();
    expect(exported).not.toContain(outputs["chapPassword"] as string);
    expect((await s.recordedAttachments()).map((r) => r.id)).toEqual([attachmentId]);

    expect((await s.preview()).steps).toEqual([]);

    await s.setConfig(MOVED);
    const moved = await s.preview();
    expect(moved.steps).toEqual([
      {
        op: "update",
        name: "data",
        type: PLUGIN_ATTACHMENT_TYPE,
        keys: [],
        detailedDiff: { "connector.host": "update", "connector.initiator": "update", "connector.ip": "update" },
      },
    ]);
    const diffText = await cli(s, ["preview", "--diff"], "plugin-diff");
    expect(diffText).toMatch(
      /~ connector: \{[\s\S]*~ initiator: "iqn\.1993-08\.org\.debian:01:plugin-1" => "iqn\.1993-08\.org\.debian:01:plugin-2"/,
    );

    await s.setConfig({ volume: other.id });
    const replaced = await s.preview();
    expect(replaced.steps.find((step) => step.op === "replace")).toMatchObject({
      op: "replace",
      name: "data",
      keys: ["volumeId"],
      detailedDiff: expect.objectContaining({ volumeId: "update-replace", "connector.initiator": "update" }) as unknown,
    });
    await s.setConfig({ volume: volume.id });

    const { summary: updated, outputs: after } = await s.up();
    expect(updated.resourceChanges).toEqual({ same: 1, update: 1 });
    expect(after["attachmentId"]).toBe(attachmentId);
    expect(await listed(volume.id)).toEqual([attachmentId]);

    await cinder(["attachment-delete", attachmentId]);
    await s.refresh();
    expect(await s.recordedAttachments()).toEqual([]);

    const { outputs: again } = await s.up();
    expect(await listed(volume.id)).toEqual([again["attachmentId"]]);
    await s.destroy();
    expect(await listed(volume.id)).toEqual([]);
    expect(await listed(other.id)).toEqual([]);
  });
});

test("pulumi import takes over an attachment the cinder CLI made; the first up of the program declaring it updates it in place (the connector Cinder does not show), never replaces it; destroy deletes it", async () => {
  const volume = await suite.createVolume();
  const made = await cinderAttach(volume.id, { initiator: HOST.initiator, ip: HOST.hostIp, host: HOST.host }, INSTANCE);
  const attachmentId = made.id as string;
  await withExample(
    "plugin-iscsi-attach",
    "import",
    { config: { volume: volume.id, instanceUuid: INSTANCE, ...HOST } },
    async (s) => {
      const imported = await cli(
        s,
        ["import", PLUGIN_ATTACHMENT_TYPE, "data", attachmentId, "--yes", "--generate-code=false"],
        "plugin-import",
      );
      expect(imported).toMatch(/= +cinder:index:VolumeAttachment +data +imported/);
      expect((await s.recordedAttachments()).map((r) => r.id)).toEqual([attachmentId]);

      const plan = await s.preview();
      expect(plan.steps).toMatchObject([{ op: "update", name: "data", keys: [] }]);
      const { summary, outputs } = await s.up();
      expect(summary.resourceChanges).toEqual({ same: 1, update: 1 });
      expect(outputs).toMatchObject({ attachmentId, status: "attached" });
      expect(await listed(volume.id)).toEqual([attachmentId]);
      expect((await s.preview()).steps).toEqual([]);

      await s.destroy();
      expect(await listed(volume.id)).toEqual([]);
    },
  );
});
