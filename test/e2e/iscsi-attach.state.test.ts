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

test("complete: true under a 3.27 cap fails in check, before anything reaches Cinder, naming complete; with the cap removed up attaches and completes, and destroy deletes it", async () => {
  const volume = await suite.createVolume();
  await withExample(
    "iscsi-attach",
    "capped",
    { config: { volume: volume.id, "cinder:maxMicroversion": "3.27" } },
    async (s) => {
      await expect(s.up()).rejects.toThrow(/complete needs volume API microversion 3\.44.*up to 3\.27/);
      expect(await s.recordedAttachments()).toEqual([]);
      expect(await suite.cinder.attachments(volume.id)).toEqual([]);

      await s.removeConfig("cinder:maxMicroversion");
      const finished = await s.up();
      expect(finished.summary.result).toBe("succeeded");
      const attachmentId = finished.outputs["attachmentId"] as string;
      expect(finished.outputs).toMatchObject({ status: "attached" });
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
