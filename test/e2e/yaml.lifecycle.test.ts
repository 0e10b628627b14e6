/**
 * Pulumi YAML programs on the resource plugin through the real engine and the real YAML language
 * host (pulumi-language-yaml, built by `npm run engine`), against the local Cinder:
 * - test/e2e/programs/yaml-reserve-then-connect: a reservation, connected in place by a second `up`
 *   (config `connected`), no change after it, a connector change as an update, refresh, destroy;
 *   `cinder attachment-list` agrees after each step and the credentials stay secret;
 * - examples/yaml-iscsi-attach: the attachment and its instance's attachments read with `fn::invoke`
 *   of `cinder:index:getAttachments`, the CHAP password a secret output;
 * - a malformed volume ID fails the preview, naming `volumeId`.
 */
import { cinder } from "../support/cinderCli";
import { PLUGIN_ATTACHMENT_TYPE, withExample } from "./support/examples";
import { cinderSuite } from "./support/lifecycle";

jest.setTimeout(180_000);

const INSTANCE = "3f2e1d0c-9b8a-4765-8432-10fedcba9876";
/** The example's instance: its fn::invoke lists every attachment of the instance, so no other test uses it. */
const EXAMPLE_INSTANCE = "9d8c7b6a-5f4e-4d3c-8b2a-1f0e9d8c7b6a";
const MOVED = { host: "yaml-2", hostIp: "127.0.0.2", initiator: "iqn.1993-08.org.debian:01:yaml-2" };

const suite = cinderSuite("e2e-yaml");

/** The volume's attachments as `cinder attachment-list` prints them: ID and status of each. */
async function listed(volumeId: string): Promise<Array<{ id: string; status: string }>> {
  const table = await cinder(["attachment-list", "--volume-id", volumeId]);
  return [...table.matchAll(/^\|\s*([0-9a-f]{8}-[0-9a-f-]{27})\s*\|\s*\S+\s*\|\s*(\S+)\s*\|/gm)].map((row) => ({
    id: row[1] as string,
    status: row[2] as string,
  }));
}

test("a YAML reservation is connected in place by a second up; no change after it; a connector change is an update; refresh and destroy; attachment-list agrees and the credentials stay secret", async () => {
  const volume = await suite.createVolume();
  await withExample(
    "yaml-reserve-then-connect",
    "lifecycle",
    { config: { volumeId: volume.id, instanceUuid: INSTANCE } },
    async (s) => {
      const reserved = await s.up();
      expect(reserved.summary.result).toBe("succeeded");
      expect(reserved.outputs).toMatchObject({ status: "reserved", connectionInfo: null, credentials: null });
      const attachmentId = reserved.outputs["attachmentId"] as string;
      expect(await listed(volume.id)).toEqual([{ id: attachmentId, status: "reserved" }]);

      await s.setConfig({ connected: "1" });
      const connect = await s.preview();
      expect(connect.steps).toEqual([
        {
          op: "update",
          name: "data",
          type: PLUGIN_ATTACHMENT_TYPE,
          keys: [],
          detailedDiff: expect.objectContaining({ connector: "add" }) as unknown,
        },
      ]);
      const connected = await s.up();
      expect(connected.summary.resourceChanges).toEqual({ same: 1, update: 1 });
      expect(connected.outputs).toMatchObject({
        attachmentId,
        status: "attached",
        connectionInfo: { target_iqn: `iqn.2010-10.org.openstack:volume-${volume.id}` },
      });
      expect(await listed(volume.id)).toEqual([{ id: attachmentId, status: "attached" }]);
      expect((await suite.cinder.recordedConnector(attachmentId))?.attachedHost).toBe("yaml-1");

      expect((await s.preview()).steps).toEqual([]);

      // The CHAP password: plain only with --show-secrets, masked by `pulumi stack output`, encrypted in the export.
      const password = (connected.outputs["credentials"] as Record<string, string>)["auth_password"];
      expect(password).toMatch(/^\S{8,}$/);
      expect((await s.maskedOutputs())["credentials"]).toBe("[secret]");
      expect(await s.exportText()).not.toContain(password);

      await s.setConfig(MOVED);
      const move = await s.preview();
      expect(move.steps).toEqual([
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
      expect(moved.outputs).toMatchObject({ attachmentId, status: "attached" });
      expect(await listed(volume.id)).toEqual([{ id: attachmentId, status: "attached" }]);
      expect((await suite.cinder.recordedConnector(attachmentId))?.attachedHost).toBe("yaml-2");

      const refreshed = await s.refresh();
      expect(refreshed.summary.result).toBe("succeeded");
      expect((await s.recordedAttachments()).map((r) => r.id)).toEqual([attachmentId]);
      expect(await listed(volume.id)).toEqual([{ id: attachmentId, status: "attached" }]);
      expect((await s.preview()).steps).toEqual([]);

      await s.destroy();
      expect(await listed(volume.id)).toEqual([]);
    },
  );
});

test("examples/yaml-iscsi-attach: the attachment, the instance's attachments read with fn::invoke of getAttachments, the target IQN, and the CHAP password as a secret output", async () => {
  const volume = await suite.createVolume();
  await withExample(
    "yaml-iscsi-attach",
    "example",
    { config: { volume: volume.id, instanceUuid: EXAMPLE_INSTANCE, host: "yaml-example", hostIp: "127.0.0.1" } },
    async (s) => {
      // The preview before the first up runs the invoke too (nothing listed yet) and plans the attachment.
      expect((await s.preview()).steps).toEqual([
        expect.objectContaining({ op: "create", type: "pulumi:pulumi:Stack" }),
        expect.objectContaining({ op: "create", name: "data", type: PLUGIN_ATTACHMENT_TYPE }),
      ]);
      const { summary, outputs } = await s.up();
      expect(summary.result).toBe("succeeded");
      const attachmentId = outputs["attachmentId"] as string;
      expect(outputs).toMatchObject({
        status: "attached",
        targetIqn: `iqn.2010-10.org.openstack:volume-${volume.id}`,
      });
      // fn::invoke ran after the attachment was made (its argument is the attachment's instanceUuid output).
      expect(outputs["instanceAttachments"]).toEqual([
        expect.objectContaining({
          attachmentId,
          volumeId: volume.id,
          instanceUuid: EXAMPLE_INSTANCE,
          status: "attached",
        }),
      ]);
      expect(await listed(volume.id)).toEqual([{ id: attachmentId, status: "attached" }]);

      const password = outputs["chapPassword"] as string;
      expect(password).toMatch(/^\S{8,}$/);
      // Secret: the password, and everything read from the invoke (its result carries credentials).
      expect(await s.maskedOutputs()).toMatchObject({
        attachmentId,
        chapPassword: "[secret]",
        instanceAttachments: "[secret]",
      });
      expect(await s.exportText()).not.toContain(password);

      expect((await s.preview()).steps).toEqual([]);
      await s.destroy();
      expect(await listed(volume.id)).toEqual([]);
    },
  );
});

test("a malformed volume ID fails the YAML program's preview, naming volumeId", async () => {
  await withExample(
    "yaml-reserve-then-connect",
    "malformed",
    // Hex digits and dashes as long as an ID, its last group one digit short: meant as an ID, not a name.
    { config: { volumeId: "11111111-2222-3333-4444-55555555555", instanceUuid: INSTANCE } },
    async (s) => {
      await expect(s.preview()).rejects.toThrow(
        /volumeId "11111111-2222-3333-4444-55555555555" looks like an ID but is malformed/,
      );
    },
  );
});
