/**
 * The multiattach-readonly example through the real engine: one volume, two read-only attachments.
 */
import { withExample } from "./support/examples";
import { cinderSuite } from "./support/lifecycle";

jest.setTimeout(240_000);

const suite = cinderSuite("e2e-multi");

test("one multiattach volume is attached read-only to two hosts, and destroy detaches both", async () => {
  const volume = await suite.createVolume({ multiattach: true });
  expect(volume.multiattach).toBe(true);
  await withExample("multiattach-readonly", "ro", { config: { volume: volume.id } }, async (s) => {
    const { summary, outputs } = await s.up();
    expect(summary.resourceChanges).toEqual({ create: 3 });
    const ids = outputs["attachmentIds"] as string[];
    expect(new Set(ids).size).toBe(2);
    expect(outputs).toMatchObject({ attachModes: ["ro", "ro"], statuses: ["attached", "attached"] });

    const attachments = await suite.cinder.attachments(volume.id);
    expect(attachments.map((a) => [a.id, a.status, a.attachMode]).sort()).toEqual(
      ids.map((id) => [id, "attached", "ro"]).sort(),
    );
    const hosts = await Promise.all(ids.map(async (id) => (await suite.cinder.recordedConnector(id))?.attachedHost));
    expect(hosts).toEqual(["reader-1", "reader-2"]);
    expect(await suite.cinder.volumeStatus(volume.id)).toBe("in-use");

    expect((await s.destroy()).summary.resourceChanges).toEqual({ delete: 3 });
    expect(await suite.cinder.attachments(volume.id)).toEqual([]);
    expect(await suite.cinder.waitForVolume(volume.id, "available")).toBe("available");
  });
});
