/**
 * Every VolumeAttachment flow against the real local Cinder, cross-checked with python-cinderclient,
 * run against both faces of the one core: the dynamic provider and the resource plugin (over gRPC).
 */
import type { CinderClient } from "../../provider/src/cinder/client";
import { getAttachment, listAttachments } from "../../provider/src/cinder/attachments";
import { getVolume } from "../../provider/src/cinder/volumes/requests";
import type { VolumeAttachmentInputs } from "../../provider/src/volumeAttachment/shape";
import { cinder, cinderAttach, parseListIds, parseTable } from "../support/cinderCli";
import { FACES, type Face, noAuthSettings } from "../support/faces";
import { startProxy } from "../support/proxy";
import { TestVolumes, adminClient, stackEnv } from "../support/stack";

jest.setTimeout(120_000);

const INSTANCE = "6f0c7c0e-3a52-4b8e-9d0e-2a1f4c5b6d7e";
const HOST_A = { initiator: "iqn.1993-08.org.debian:01:host-a", ip: "127.0.0.1", host: "host-a" };
const HOST_B = { initiator: "iqn.1993-08.org.debian:01:host-b", ip: "127.0.0.2", host: "host-b" };

let admin: CinderClient;

beforeAll(async () => {
  admin = await adminClient();
});

const volumeStatus = async (id: string) => (await getVolume(admin, id)).status;

describe.each(FACES)("%s", (face, start) => {
  const volumes = new TestVolumes(`contract-${face.split(" ")[0]}`);
  const faces: Face[] = [];
  /** A face started with `settings`, stopped after the suite. */
  const started = async (settings: Record<string, string>) => {
    const one = await start(settings);
    faces.push(one);
    return one;
  };
  let ops: Face;

  beforeAll(async () => {
    ops = await started(noAuthSettings());
  });
  afterAll(async () => {
    await volumes.cleanup(admin);
    await Promise.all(faces.map((one) => one.close()));
  });

  /** Checked inputs, as the engine hands them to create/update. */
  async function inputs(news: Record<string, unknown>): Promise<VolumeAttachmentInputs> {
    const { inputs, failures } = await ops.check(news);
    expect(failures).toEqual([]);
    return inputs;
  }

  test("reserve, then connect, then complete, then delete: volume reserved -> attaching -> in-use -> available, as the cinder CLI sees it", async () => {
    const volume = await volumes.create(admin);
    const reserve = await inputs({ volumeId: volume.name, instanceUuid: INSTANCE });
    const created = await ops.create(reserve);
    expect(created.outs).toMatchObject({
      status: "reserved",
      volumeId: volume.id,
      volumeName: volume.name,
      instanceUuid: INSTANCE,
    });
    expect(created.outs.connectionInfo).toBeUndefined();
    expect(await volumeStatus(volume.id)).toBe("reserved");
    expect(parseTable(await cinder(["attachment-show", created.id]))).toMatchObject({
      status: "reserved",
      instance: INSTANCE,
    });

    const connect = await inputs({ volumeId: volume.name, instanceUuid: INSTANCE, connector: HOST_A, complete: false });
    expect(await ops.diff(created.outs, connect)).toMatchObject({
      changes: true,
      replaces: [],
      deleteBeforeReplace: false,
      details: [{ path: "connector", kind: "add", replace: false }],
    });
    const connected = await ops.update(created.id, created.outs, connect);
    expect(connected.outs).toMatchObject({ attachmentId: created.id, status: "attaching", driverVolumeType: "iscsi" });
    expect(connected.outs.connectionInfo).toMatchObject({
      auth_method: "CHAP",
      target_portal: "127.0.0.1:3260",
      volume_id: volume.id,
    });
    expect(await volumeStatus(volume.id)).toBe("attaching");

    const complete = await inputs({ volumeId: volume.name, instanceUuid: INSTANCE, connector: HOST_A });
    const completed = await ops.update(created.id, connected.outs, complete);
    expect(completed.outs.status).toBe("attached");
    expect(await volumeStatus(volume.id)).toBe("in-use");
    expect(parseTable(await cinder(["attachment-show", created.id]))).toMatchObject({
      status: "attached",
      volume_id: volume.id,
    });

    await ops.delete(created.id);
    expect(await volumeStatus(volume.id)).toBe("available");
    expect(parseListIds(await cinder(["attachment-list", "--volume-id", volume.id]))).toEqual([]);
  });

  test("a full create connects and completes: real iSCSI/CHAP connection info, credentials split off", async () => {
    const volume = await volumes.create(admin);
    const { id, outs } = await ops.create(await inputs({ volumeId: volume.id, connector: HOST_A }));
    expect(outs.status).toBe("attached");
    expect(outs.driverVolumeType).toBe("iscsi");
    expect(outs.connectionInfo).toMatchObject({
      auth_method: "CHAP",
      target_iqn: `iqn.2010-10.org.openstack:volume-${volume.id}`,
      target_portal: "127.0.0.1:3260",
      target_lun: expect.any(Number) as number,
      target_discovered: false,
      encrypted: false,
      access_mode: "rw",
      volume_id: volume.id,
    });
    expect(outs.connectionInfo).not.toHaveProperty("auth_password");
    expect(outs.credentials?.auth_username).toEqual(expect.any(String));
    expect(outs.credentials?.auth_password?.length).toBeGreaterThan(8);
    expect((await getAttachment(admin, id)).status).toBe("attached");
    expect(await volumeStatus(volume.id)).toBe("in-use");
    // The cinder CLI lists exactly the attachment the provider made.
    expect(parseListIds(await cinder(["attachment-list", "--volume-id", volume.id]))).toEqual([id]);
    await ops.delete(id);
    expect(await volumeStatus(volume.id)).toBe("available");
  });

  test("a connector change updates the same attachment in place, with fresh connection info, completed again", async () => {
    const volume = await volumes.create(admin);
    const first = await ops.create(await inputs({ volumeId: volume.id, instanceUuid: INSTANCE, connector: HOST_A }));
    const moved = await inputs({ volumeId: volume.id, instanceUuid: INSTANCE, connector: HOST_B });
    expect(await ops.diff(first.outs, moved)).toEqual({
      changes: true,
      replaces: [],
      deleteBeforeReplace: false,
      details: ["host", "initiator", "ip"].map((field) => ({
        path: `connector.${field}`,
        kind: "update",
        replace: false,
      })),
    });
    const before = await listAttachments(admin, { volumeId: volume.id });
    const updated = await ops.update(first.id, first.outs, moved);
    expect(updated.outs.attachmentId).toBe(first.id);
    expect(updated.outs.status).toBe("attached");
    expect(updated.outs.connector).toMatchObject(HOST_B);
    expect(updated.outs.credentials?.auth_password).toEqual(expect.any(String));
    const after = await listAttachments(admin, { volumeId: volume.id });
    expect(after.map((a) => a.id)).toEqual(before.map((a) => a.id));
    expect(after[0]?.status).toBe("attached");
    expect(await volumeStatus(volume.id)).toBe("in-use");
    await ops.delete(first.id);
  });

  test("a provider process sends only what each step needs: no version discovery for the check of recorded inputs, a read, an update or a delete; one for the first check of new inputs", async () => {
    const volume = await volumes.create(admin);
    const first = await inputs({ volumeId: volume.id, instanceUuid: INSTANCE, connector: HOST_A });
    const { id, outs } = await ops.create(first);
    const proxy = await startProxy(new URL(stackEnv().CINDER_ENDPOINT as string).origin);
    const sent = () => proxy.exchanges.map((e) => `${e.method} ${e.path.replace(id, "{id}").replace(/\?.*$/, "")}`);
    try {
      // A fresh process, as the engine starts one per preview and per update.
      const fresh = await started(noAuthSettings({ endpoint: `${proxy.url}/v3` }));
      const unchanged = await fresh.check({ volumeId: volume.id, instanceUuid: INSTANCE, connector: HOST_A }, first);
      expect(unchanged).toEqual({ inputs: first, failures: [] });
      const moved = await fresh.check({ volumeId: volume.id, instanceUuid: INSTANCE, connector: HOST_B }, first);
      expect(moved.inputs.complete).toBe(true);
      expect(sent()).toEqual([]);
      await fresh.read(id, outs);
      const { outs: updated } = await fresh.update(id, outs, moved.inputs);
      expect(updated.status).toBe("attached");
      await fresh.delete(id);
      expect(sent()).toEqual([
        "GET /v3/attachments/{id}",
        "PUT /v3/attachments/{id}",
        "POST /v3/attachments/{id}/action",
        "DELETE /v3/attachments/{id}",
      ]);
      // New inputs (no recorded ones): the gates ask Cinder's version document, once per process.
      const news = { volumeId: volume.id, connector: HOST_B, mode: "ro" };
      expect((await fresh.check(news)).inputs).toMatchObject({ complete: true, mode: "ro" });
      expect((await fresh.check(news)).failures).toEqual([]);
      expect(sent().slice(4)).toEqual(["GET /"]);
    } finally {
      await proxy.close();
    }
    expect(await volumeStatus(volume.id)).toBe("available");
  });

  test("mode ro: Cinder records attach_mode ro (3.54); with the cap below 3.54 it is refused before anything is created", async () => {
    const volume = await volumes.create(admin);
    const readOnly = await inputs({ volumeId: volume.id, connector: HOST_A, mode: "ro" });
    const capped = await started(noAuthSettings({ maxMicroversion: "3.44" }));
    await expect(capped.create(readOnly)).rejects.toThrow(/mode.*needs volume API microversion 3\.54, but only 3\.44/);
    expect(await listAttachments(admin, { volumeId: volume.id })).toEqual([]);

    const { id, outs } = await ops.create(readOnly);
    expect(outs.attachMode).toBe("ro");
    expect((await getAttachment(admin, id)).attachMode).toBe("ro");
    await ops.delete(id);
  });

  test("complete needs 3.44: at 3.27 check fills complete: false and the attachment stays attaching; complete: true is refused before any write", async () => {
    const volume = await volumes.create(admin);
    const capped = await started(noAuthSettings({ maxMicroversion: "3.27" }));
    const checked = await capped.check({ volumeId: volume.id, connector: HOST_A });
    expect(checked.failures).toEqual([]);
    expect(checked.inputs.complete).toBe(false);
    const { id, outs } = await capped.create(checked.inputs);
    expect(outs.status).toBe("attaching");
    expect((await getAttachment(admin, id)).status).toBe("attaching");
    await capped.delete(id);

    const refused = await capped.check({ volumeId: volume.id, connector: HOST_A, complete: true });
    expect(refused.failures.map((f) => f.property)).toEqual(["complete"]);
    await expect(capped.create({ ...checked.inputs, complete: true })).rejects.toThrow(
      /os-complete.*needs volume API microversion 3\.44, but only 3\.27/,
    );
    expect(await listAttachments(admin, { volumeId: volume.id })).toEqual([]);
  });

  test("multiattach: two hosts attach one volume; replacements there need not delete first, elsewhere they must", async () => {
    const shared = await volumes.create(admin, { multiattach: true });
    expect(shared.multiattach).toBe(true);
    const a = await ops.create(await inputs({ volumeId: shared.id, connector: HOST_A, mode: "ro" }));
    const b = await ops.create(await inputs({ volumeId: shared.id, connector: HOST_B, mode: "ro" }));
    expect(a.id).not.toBe(b.id);
    expect((await listAttachments(admin, { volumeId: shared.id })).map((x) => x.status).sort()).toEqual([
      "attached",
      "attached",
    ]);
    expect(await ops.diff(a.outs, await inputs({ volumeId: shared.id, connector: HOST_A, mode: "rw" }))).toEqual({
      changes: true,
      replaces: ["mode"],
      deleteBeforeReplace: false,
      details: [{ path: "mode", kind: "update", replace: true }],
    });
    await ops.delete(a.id);
    expect(await volumeStatus(shared.id)).toBe("in-use");
    await ops.delete(b.id);
    expect(await volumeStatus(shared.id)).toBe("available");

    const single = await volumes.create(admin);
    const c = await ops.create(await inputs({ volumeId: single.id, connector: HOST_A }));
    expect(
      (await ops.diff(c.outs, await inputs({ volumeId: single.id, connector: HOST_A, mode: "ro" })))
        .deleteBeforeReplace,
    ).toBe(true);
    await ops.delete(c.id);
  });

  test("read after an out-of-band delete with the cinder CLI reports the attachment gone; delete of a gone one succeeds", async () => {
    const volume = await volumes.create(admin);
    const { id, outs } = await ops.create(await inputs({ volumeId: volume.id, connector: HOST_A }));
    expect((await ops.read(id, outs)).id).toBe(id);
    await cinder(["attachment-delete", id]);
    expect(await ops.read(id, outs)).toEqual({ id: "", props: {} });
    await expect(ops.delete(id)).resolves.toBeUndefined();
  });

  test("adoption: an attachment made by the cinder CLI is taken over by id, completed, and then owned", async () => {
    const volume = await volumes.create(admin);
    const shown = await cinderAttach(volume.id, HOST_A);
    const attachmentId = shown.id as string;
    expect(attachmentId).toMatch(/^[0-9a-f-]{36}$/);

    const wrongVolume = await volumes.create(admin);
    await expect(
      ops.create(await inputs({ volumeId: wrongVolume.id, connector: HOST_A, attachmentId })),
    ).rejects.toThrow(
      new RegExp(`attachmentId ${attachmentId} attaches volume ${volume.id}, not volumeId ${wrongVolume.id}`),
    );

    const adopted = await ops.create(await inputs({ volumeId: volume.id, connector: HOST_A, attachmentId }));
    expect(adopted.id).toBe(attachmentId);
    expect(adopted.outs).toMatchObject({ attachmentId, status: "attached", driverVolumeType: "iscsi" });
    expect(parseTable(await cinder(["attachment-show", attachmentId]))).toMatchObject({ status: "attached" });
    await ops.delete(attachmentId);
    expect(await volumeStatus(volume.id)).toBe("available");
  });

  test("deleting an instance-bound, connected attachment without a service role is refused with the OSSA-2023-003 explanation, after one DELETE", async () => {
    const volume = await volumes.create(admin);
    const { id } = await ops.create(await inputs({ volumeId: volume.id, instanceUuid: INSTANCE, connector: HOST_A }));
    // Through a counting loopback proxy: the refusal is Cinder's final word, not resent.
    let deletes = 0;
    const proxy = await startProxy(new URL(stackEnv().CINDER_ENDPOINT as string).origin, (method) => {
      if (method === "DELETE") deletes += 1;
      return { kind: "forward" };
    });
    try {
      const { noauthServiceRoles: _roles, ...withoutRoles } = noAuthSettings({ endpoint: `${proxy.url}/v3` });
      const plain = await started(withoutRoles);
      await expect(plain.delete(id)).rejects.toThrow(
        /Cinder refused to delete attachment .*OSSA-2023-003.*Compute API.*service user/,
      );
      expect(deletes).toBe(1);
    } finally {
      await proxy.close();
    }
    await ops.delete(id);
    expect(await volumeStatus(volume.id)).toBe("available");
  });

  describe("the orphan of an interrupted create (a create whose process died after Cinder made the attachment)", () => {
    /** The ids the cinder CLI lists for the volume, sorted. */
    const listed = async (volumeId: string) =>
      parseListIds(await cinder(["attachment-list", "--volume-id", volumeId], "3.27")).sort();
    /** A reservation for INSTANCE made by the cinder CLI, as a killed reserve leaves it. */
    const cliReservation = async (volumeId: string) =>
      parseTable(await cinder(["attachment-create", volumeId, INSTANCE])).id as string;

    test("a full create for the same instance and mode takes over the connected attachment left in the making, connects it with its own connector and completes it: no second attachment", async () => {
      const volume = await volumes.create(admin);
      const orphan = (await cinderAttach(volume.id, HOST_B, INSTANCE)).id as string;
      expect(parseTable(await cinder(["attachment-show", orphan]))).toMatchObject({ status: "attaching" });
      const created = await ops.create(
        await inputs({ volumeId: volume.id, instanceUuid: INSTANCE, connector: HOST_A, complete: true }),
      );
      expect(created.id).toBe(orphan);
      expect(created.outs).toMatchObject({ attachmentId: orphan, status: "attached", driverVolumeType: "iscsi" });
      expect(await listed(volume.id)).toEqual([orphan]);
      expect(await volumeStatus(volume.id)).toBe("in-use");
    });

    test("a reserve takes over a reservation left for its instance; a full create does not take a reservation, nor anything a completed attachment", async () => {
      const volume = await volumes.create(admin);
      const reservation = await cliReservation(volume.id);
      const reserved = await ops.create(await inputs({ volumeId: volume.id, instanceUuid: INSTANCE }));
      expect(reserved).toMatchObject({ id: reservation, outs: { status: "reserved" } });
      expect(await listed(volume.id)).toEqual([reservation]);

      const other = await volumes.create(admin);
      const held = await cliReservation(other.id);
      const full = await ops.create(await inputs({ volumeId: other.id, instanceUuid: INSTANCE, connector: HOST_A }));
      expect(full.id).not.toBe(held);
      await ops.delete(full.id);

      const third = await volumes.create(admin);
      const done = (await cinderAttach(third.id, HOST_A, INSTANCE)).id as string;
      await cinder(["attachment-complete", done]);
      const fresh = await ops.create(
        await inputs({ volumeId: third.id, instanceUuid: INSTANCE, connector: HOST_A, complete: false }),
      );
      expect(fresh.id).not.toBe(done);
      expect(await listed(third.id)).toEqual([done, fresh.id].sort());
    });

    test("two attachments that could each be the orphan: the create is refused, naming both, and makes nothing", async () => {
      const volume = await volumes.create(admin);
      const both = [await cliReservation(volume.id), await cliReservation(volume.id)].sort();
      const refused = ops.create(await inputs({ volumeId: volume.id, instanceUuid: INSTANCE }));
      await expect(refused).rejects.toThrow(
        new RegExp(
          `volume ${volume.id} has 2 attachments for instance ${INSTANCE} that an interrupted create .*attachmentId`,
        ),
      );
      await expect(refused).rejects.toThrow(new RegExp(`${both[0]}[^]*${both[1]}|${both[1]}[^]*${both[0]}`));
      expect(await listed(volume.id)).toEqual(both);
    });

    test("what another resource of the same provider holds is never taken over: reservations of one volume for one instance, one after the other or at once, are each their own attachment", async () => {
      const volume = await volumes.create(admin);
      const reserve = await inputs({ volumeId: volume.id, instanceUuid: INSTANCE });
      const first = await ops.create(reserve);
      const second = await ops.create(reserve);
      const [third, fourth] = await Promise.all([ops.create(reserve), ops.create(reserve)]);
      const ids = [first.id, second.id, third?.id, fourth?.id];
      expect(new Set(ids).size).toBe(4);
      expect(await listed(volume.id)).toEqual([...ids].sort());
    });
  });

  test("a volume named by a name nobody has, or by a name two volumes share, is an error before anything is created", async () => {
    await expect(ops.create(await inputs({ volumeId: "no-such-volume-anywhere", connector: HOST_A }))).rejects.toThrow(
      /volumeId "no-such-volume-anywhere": no volume has this name or ID/,
    );
    const name = `twin-${Date.now().toString(36)}`;
    const one = await volumes.create(admin, { name });
    const two = await volumes.create(admin, { name });
    const ambiguous = ops.create(await inputs({ volumeId: name, connector: HOST_A }));
    await expect(ambiguous).rejects.toThrow(
      new RegExp(`2 volumes have this name \\((${one.id}|${two.id}), (${one.id}|${two.id})\\); use the ID`),
    );
    expect(await listAttachments(admin, { volumeId: one.id })).toEqual([]);
  });
});
