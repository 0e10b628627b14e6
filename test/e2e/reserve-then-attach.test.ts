/**
 * The reserve-then-attach example (boot from volume) through the real engine: the reservation and
 * its in-place connection are one attachment.
 */
import { cinder, parseTable } from "../support/cinderCli";
import { ATTACHMENT_TYPE, withExample } from "./support/examples";
import { cinderSuite } from "./support/lifecycle";

jest.setTimeout(240_000);

const INSTANCE = "3c9e2f4a-1b7d-4e8f-a2c6-5d0b9e8f7a61";

const suite = cinderSuite("e2e-reserve");

test("the first up reserves the volume for the instance; with attach set the second up plans an update, not a replacement, and ends attached with connection info", async () => {
  const volume = await suite.createVolume();
  await withExample(
    "reserve-then-attach",
    "boot",
    { config: { volume: volume.id, instanceUuid: INSTANCE } },
    async (s) => {
      const reserved = (await s.up()).outputs;
      expect(reserved).toMatchObject({ status: "reserved", volumeId: volume.id });
      expect(reserved["connectionInfo"]).toBeUndefined();
      const attachmentId = reserved["attachmentId"] as string;
      expect(await suite.cinder.volumeStatus(volume.id)).toBe("reserved");
      expect((await suite.cinder.attachments(volume.id)).map((a) => [a.id, a.status, a.instanceUuid])).toEqual([
        [attachmentId, "reserved", INSTANCE],
      ]);

      await s.setConfig({ attach: "true" });
      const plan = await s.preview();
      expect(plan.steps).toEqual([{ op: "update", name: "boot", type: ATTACHMENT_TYPE, keys: [] }]);
      expect(plan.changeSummary).toEqual({ same: 1, update: 1 });

      const { summary, outputs } = await s.up();
      expect(summary.resourceChanges).toEqual({ same: 1, update: 1 });
      expect(outputs).toMatchObject({ attachmentId, status: "attached", driverVolumeType: "iscsi" });
      expect(outputs["connectionInfo"]).toMatchObject({
        auth_method: "CHAP",
        target_iqn: `iqn.2010-10.org.openstack:volume-${volume.id}`,
        target_portal: "127.0.0.1:3260",
      });
      expect(outputs["credentials"]).toMatchObject({ auth_password: expect.any(String) as unknown });
      expect((await suite.cinder.attachments(volume.id)).map((a) => a.id)).toEqual([attachmentId]);
      expect(parseTable(await cinder(["attachment-show", attachmentId]))).toMatchObject({
        status: "attached",
        instance: INSTANCE,
      });
      expect((await suite.cinder.recordedConnector(attachmentId))?.attachedHost).toBe("compute-2");
      expect(await suite.cinder.volumeStatus(volume.id)).toBe("in-use");

      // Instance-bound and connected: the delete goes through only with the service role configured.
      await s.destroy();
      expect(await suite.cinder.attachments(volume.id)).toEqual([]);
      expect(await suite.cinder.waitForVolume(volume.id, "available")).toBe("available");
    },
  );
});
