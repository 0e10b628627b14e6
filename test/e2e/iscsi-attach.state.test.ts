/**
 * What the iscsi-attach example leaves in the stack's state: CHAP credentials only as secrets, and
 * an attachment whose completion failed recorded rather than leaked.
 */
import { stackEnv } from "../support/stack";
import { withExample } from "./support/examples";
import { cinderSuite } from "./support/lifecycle";

jest.setTimeout(240_000);

const suite = cinderSuite("e2e-state");

/** A value Pulumi stores encrypted: `{ "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270", ciphertext }`. */
const ENCRYPTED_SECRET = {
  "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270",
  ciphertext: expect.stringMatching(/^v1:/) as unknown,
};

/** Strings that would reveal how the provider authenticates: the noauth token and auth headers. */
function tokenLike(): string[] {
  const env = stackEnv();
  return [`${env.OS_USER_ID ?? "admin"}:${env.OS_PROJECT_ID ?? "admin"}`, "X-Auth-Token", "X-Service-Token"];
}

test("pulumi stack export holds no plaintext CHAP username or password and no token, while stack output --show-secrets shows them and plain stack output masks them", async () => {
  const volume = await suite.createVolume();
  await withExample("iscsi-attach", "secrets", { config: { volume: volume.id } }, async (s) => {
    const shown = (await s.up()).outputs;
    // What `pulumi stack output --show-secrets` prints.
    expect(await s.outputs()).toEqual(shown);
    const username = shown["chapUsername"];
    const password = shown["chapPassword"];
    expect(username).toEqual(expect.stringMatching(/^\S{8,}$/));
    expect(password).toEqual(expect.stringMatching(/^\S{8,}$/));
    // The same credentials Cinder hands out for this attachment.
    const attachment = (await suite.cinder.attachments(volume.id))[0];
    expect(attachment?.connectionInfo).toMatchObject({ auth_username: username, auth_password: password });

    const masked = await s.maskedOutputs();
    expect(masked).toMatchObject({ chapUsername: "[secret]", chapPassword: "[secret]", status: "attached" });

    const exported = await s.exportText();
    for (const plaintext of [username as string, password as string, ...tokenLike()]) {
      expect(exported).not.toContain(plaintext);
    }
    const [recorded] = await s.recordedAttachments();
    expect(recorded?.outputs["credentials"]).toEqual(ENCRYPTED_SECRET);
    expect(recorded?.outputs["connectionInfo"]).not.toHaveProperty("auth_password");
  });
});

test("a create that fails after the attachment exists (complete refused at microversion 3.27) records the attachment in state; with the cap removed up completes it and destroy deletes it", async () => {
  const volume = await suite.createVolume();
  await withExample(
    "iscsi-attach",
    "partial",
    { config: { volume: volume.id, "cinder:maxMicroversion": "3.27" } },
    async (s) => {
      // The engine shows the error's `reasons`: they carry the id and what to do next.
      await expect(s.up()).rejects.toThrow(
        /attachment [0-9a-f-]{36} was created but completing it failed: .*os-complete\) needs volume API microversion 3\.44.*recorded in the stack/,
      );

      const [recorded, ...others] = await s.recordedAttachments();
      expect(others).toEqual([]);
      expect(recorded?.initErrors).toEqual([expect.stringMatching(/microversion 3\.44/)]);
      const attachmentId = recorded?.id as string;
      expect(recorded?.outputs).toMatchObject({ attachmentId, status: "attaching" });
      // Not leaked: the one attachment Cinder has is the one the state records.
      const inCinder = await suite.cinder.attachments(volume.id);
      expect(inCinder.map((a) => [a.id, a.status])).toEqual([[attachmentId, "attaching"]]);
      // Even the state of a failed create keeps the credentials encrypted.
      const password = inCinder[0]?.connectionInfo?.["auth_password"];
      expect(password).toEqual(expect.any(String));
      expect(await s.exportText()).not.toContain(password as string);

      await s.removeConfig("cinder:maxMicroversion");
      const finished = await s.up();
      expect(finished.summary.result).toBe("succeeded");
      expect(finished.outputs).toMatchObject({ attachmentId, status: "attached" });
      expect((await suite.cinder.attachments(volume.id)).map((a) => [a.id, a.status])).toEqual([
        [attachmentId, "attached"],
      ]);
      expect(await suite.cinder.volumeStatus(volume.id)).toBe("in-use");

      await s.destroy();
      expect(await suite.cinder.attachments(volume.id)).toEqual([]);
      expect(await suite.cinder.waitForVolume(volume.id, "available")).toBe("available");
    },
  );
});
