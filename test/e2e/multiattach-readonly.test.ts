/**
 * The multiattach-readonly example through the real engine: one volume, two read-only attachments.
 */
import { TestVolumes } from "../support/stack";
import { CinderState } from "./support/cinderState";
import { withExample } from "./support/examples";

jest.setTimeout(240_000);

const volumes = new TestVolumes("e2e-multi");
let cinderState: CinderState;

beforeAll(async () => {
  cinderState = await CinderState.connect();
});
afterAll(async () => {
  await volumes.cleanup(cinderState.client);
});

test("one multiattach volume is attached read-only to two hosts, and destroy detaches both", async () => {
  const volume = await volumes.create(cinderState.client, { multiattach: true });
  expect(volume.multiattach).toBe(true);
  await withExample("multiattach-readonly", "ro", { config: { volume: volume.id } }, async (s) => {
    const { summary, outputs } = await s.up();
    expect(summary.resourceChanges).toEqual({ create: 3 });
    const ids = outputs["attachmentIds"] as string[];
    expect(new Set(ids).size).toBe(2);
    expect(outputs).toMatchObject({ attachModes: ["ro", "ro"], statuses: ["attached", "attached"] });

    const attachments = await cinderState.attachments(volume.id);
    expect(attachments.map((a) => [a.id, a.status, a.attachMode]).sort()).toEqual(
      ids.map((id) => [id, "attached", "ro"]).sort(),
    );
    const hosts = await Promise.all(ids.map(async (id) => (await cinderState.recordedConnector(id))?.attachedHost));
    expect(hosts).toEqual(["reader-1", "reader-2"]);
    expect(await cinderState.volumeStatus(volume.id)).toBe("in-use");

    expect((await s.destroy()).summary.resourceChanges).toEqual({ delete: 3 });
    expect(await cinderState.attachments(volume.id)).toEqual([]);
    expect(await cinderState.waitForVolume(volume.id, "available")).toBe("available");
  });
});
