/**
 * The iscsi-attach example meets attachments changed behind the stack's back with the cinder CLI:
 * refresh notices a deleted one, and the adoption input takes over one the CLI made.
 */
import { cinder, cinderAttach } from "../support/cinderCli";
import { withExample } from "./support/examples";
import { cinderSuite } from "./support/lifecycle";

jest.setTimeout(240_000);

const suite = cinderSuite("e2e-oob");

test("refresh after the attachment was deleted with the cinder CLI drops it from state, and the next up recreates it", async () => {
  const volume = await suite.createVolume();
  await withExample("iscsi-attach", "refresh", { config: { volume: volume.id } }, async (s) => {
    const deleted = (await s.up()).outputs["attachmentId"] as string;
    await cinder(["attachment-delete", deleted]);
    expect(await suite.cinder.attachments(volume.id)).toEqual([]);

    const refreshed = await s.refresh();
    expect(refreshed.summary.resourceChanges).toMatchObject({ delete: 1 });
    expect(await s.recordedAttachments()).toEqual([]);

    const again = await s.up();
    expect(again.steps.map((step) => [step.op, step.name])).toEqual([["create", "data"]]);
    const recreated = again.outputs["attachmentId"] as string;
    expect(recreated).not.toBe(deleted);
    expect((await s.recordedAttachments()).map((a) => a.id)).toEqual([recreated]);
    expect((await suite.cinder.attachments(volume.id)).map((a) => [a.id, a.status])).toEqual([[recreated, "attached"]]);
  });
  expect(await suite.cinder.attachments(volume.id)).toEqual([]);
});

test("the attachmentId input adopts an attachment made by the cinder CLI: the stack completes it, owns it, and its destroy deletes it", async () => {
  const volume = await suite.createVolume();
  const connector = { host: "compute-7", ip: "192.0.2.77", initiator: "iqn.1993-08.org.debian:01:compute-7" };
  const made = await cinderAttach(volume.id, connector);
  const attachmentId = made["id"] as string;
  expect(attachmentId).toMatch(/^[0-9a-f-]{36}$/);

  await withExample(
    "iscsi-attach",
    "adopt",
    {
      config: {
        volume: volume.id,
        attachmentId,
        initiator: connector.initiator,
        hostIp: connector.ip,
        host: connector.host,
      },
    },
    async (s) => {
      const adopted = await s.up();
      expect(adopted.summary.resourceChanges).toEqual({ create: 2 });
      expect(adopted.outputs).toMatchObject({ attachmentId, status: "attached", driverVolumeType: "iscsi" });
      // Taken over, not duplicated: Cinder still has exactly the CLI's attachment, now completed.
      expect((await suite.cinder.attachments(volume.id)).map((a) => [a.id, a.status])).toEqual([
        [attachmentId, "attached"],
      ]);
      expect(await suite.cinder.volumeStatus(volume.id)).toBe("in-use");
      expect((await s.preview()).steps).toEqual([]);

      await s.destroy();
      expect(await suite.cinder.attachments(volume.id)).toEqual([]);
      expect(await suite.cinder.waitForVolume(volume.id, "available")).toBe("available");
    },
  );
});
