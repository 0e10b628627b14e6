/**
 * The iscsi-attach example through the real engine against the local Cinder: the whole life of one
 * attachment, in-place updates versus replacements, and what each leaves in Cinder.
 */
import { cinder, parseListIds, parseTable } from "../support/cinderCli";
import { ATTACHMENT_TYPE, withExample } from "./support/examples";
import { cinderSuite } from "./support/lifecycle";

jest.setTimeout(240_000);

const INSTANCE = "0b5a6c1e-6a47-4d0e-9c55-3f1d2e4a5b6c";
const MOVED_HOST = { host: "compute-9", hostIp: "192.0.2.99", initiator: "iqn.1993-08.org.debian:01:compute-9" };

const suite = cinderSuite("e2e-iscsi");

test("up attaches; preview then plans nothing; a connector change plans exactly one in-place update, which Cinder records with fresh connection info; destroy leaves the volume available with no attachment", async () => {
  const name = `e2e-iscsi-lifecycle-${Date.now().toString(36)}`;
  const volume = await suite.createVolume({ name });
  // By name, as users often write it, and bound to an instance: destroy needs the service role.
  await withExample("iscsi-attach", "lifecycle", { config: { volume: name, instanceUuid: INSTANCE } }, async (s) => {
    const { summary, outputs: created } = await s.up();
    expect(summary.result).toBe("succeeded");
    expect(created).toMatchObject({
      status: "attached",
      volumeId: volume.id,
      driverVolumeType: "iscsi",
      authMethod: "CHAP",
      targetIqn: `iqn.2010-10.org.openstack:volume-${volume.id}`,
      targetPortal: "127.0.0.1:3260",
    });
    const attachmentId = created["attachmentId"] as string;
    expect(await suite.cinder.volumeStatus(volume.id)).toBe("in-use");
    expect((await suite.cinder.recordedConnector(attachmentId))?.attachedHost).toBe("compute-1");

    const clean = await s.preview();
    expect(clean.steps).toEqual([]);
    expect(clean.changeSummary).toEqual({ same: 2 });

    await s.setConfig(MOVED_HOST);
    const plan = await s.preview();
    expect(plan.steps).toEqual([{ op: "update", name: "data", type: ATTACHMENT_TYPE, keys: [] }]);
    expect(plan.changeSummary).toEqual({ same: 1, update: 1 });

    const { summary: updated, outputs: moved } = await s.up();
    expect(updated.resourceChanges).toEqual({ same: 1, update: 1 });
    expect(moved["attachmentId"]).toBe(attachmentId);
    expect(moved["status"]).toBe("attached");
    // Cinder holds the new connector, and the connection info it now serves is what the stack reports.
    expect(await suite.cinder.recordedConnector(attachmentId)).toEqual({
      attachedHost: MOVED_HOST.host,
      connector: expect.objectContaining({
        host: MOVED_HOST.host,
        ip: MOVED_HOST.hostIp,
        initiator: MOVED_HOST.initiator,
      }) as unknown,
    });
    expect(parseTable(await cinder(["attachment-show", attachmentId]))).toMatchObject({
      status: "attached",
      instance: INSTANCE,
      driver_volume_type: "iscsi",
      target_iqn: moved["targetIqn"],
      target_portal: moved["targetPortal"],
      target_lun: String(moved["targetLun"]),
      auth_username: moved["chapUsername"],
      auth_password: moved["chapPassword"],
    });
    expect(await suite.cinder.volumeStatus(volume.id)).toBe("in-use");

    const destroyed = await s.destroy();
    expect(destroyed.summary.resourceChanges).toEqual({ delete: 2 });
    expect(parseListIds(await cinder(["attachment-list", "--volume-id", volume.id]))).toEqual([]);
    expect(await suite.cinder.waitForVolume(volume.id, "available")).toBe("available");
  });
});

test("a mode change, then a volume change, each is carried out as a replacement and leaves exactly one attachment", async () => {
  const first = await suite.createVolume();
  const second = await suite.createVolume();
  await withExample("iscsi-attach", "replace", { config: { volume: first.id } }, async (s) => {
    const original = (await s.up()).outputs["attachmentId"] as string;

    // Same volume, not multiattach: the old attachment must go before the new one can be made.
    await s.setConfig({ mode: "ro" });
    const readOnly = await s.up();
    expect(readOnly.summary.resourceChanges).toEqual({ same: 1, replace: 1 });
    expect(readOnly.steps.map((step) => [step.op, step.name])).toEqual([
      ["delete-replaced", "data"],
      ["replace", "data"],
      ["create-replacement", "data"],
    ]);
    expect(readOnly.steps.find((step) => step.op === "replace")?.keys).toEqual(["mode"]);
    expect(readOnly.outputs["attachmentId"]).not.toBe(original);
    expect(readOnly.outputs["attachMode"]).toBe("ro");
    expect((await suite.cinder.attachments(first.id)).map((a) => [a.id, a.status, a.attachMode])).toEqual([
      [readOnly.outputs["attachmentId"], "attached", "ro"],
    ]);

    // Another volume: the new attachment is made first, then the old one deleted.
    await s.setConfig({ volume: second.id });
    const moved = await s.up();
    expect(moved.summary.resourceChanges).toEqual({ same: 1, replace: 1 });
    expect(moved.steps.map((step) => [step.op, step.name])).toEqual([
      ["create-replacement", "data"],
      ["replace", "data"],
      ["delete-replaced", "data"],
    ]);
    expect(moved.steps.find((step) => step.op === "replace")?.keys).toEqual(["volumeId"]);
    expect(moved.outputs["volumeId"]).toBe(second.id);
    expect(await suite.cinder.attachments(first.id)).toEqual([]);
    expect(await suite.cinder.waitForVolume(first.id, "available")).toBe("available");
    expect((await suite.cinder.attachments(second.id)).map((a) => [a.id, a.status])).toEqual([
      [moved.outputs["attachmentId"], "attached"],
    ]);
  });
  expect(await suite.cinder.attachments(second.id)).toEqual([]);
});
