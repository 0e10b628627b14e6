import { credentialsStaySecret } from "../policies";
import { UNKNOWN_STRING, attachmentUrn, fullAttach, runStackPolicy } from "./harness";

/** Outputs of a created attachment, as the stack policy sees them (secrets already unwrapped). */
function created(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    ...fullAttach("compute-1"),
    attachmentId: "7c765cfe-a90f-4f53-a1b1-60efcf1f2ac0",
    status: "attached",
    driverVolumeType: "iscsi",
    connectionInfo: { auth_method: "CHAP", target_iqn: "iqn.2010-10.org.openstack:volume-1", target_lun: 0 },
    credentials: { auth_username: "DdNWLVAr9Xm832yyRPUR", auth_password: "9muZ6BGg5bubrPEu" },
    ...overrides,
  };
}

test("credentials kept in additionalSecretOutputs and a clean connectionInfo pass", async () => {
  const run = await runStackPolicy(credentialsStaySecret, [{ name: "a", props: created() }]);
  expect(run).toEqual({ messages: [], urns: [] });
});

test("an attachment whose additionalSecretOutputs lost credentials is reported", async () => {
  const run = await runStackPolicy(credentialsStaySecret, [
    { name: "leaky", props: created(), opts: { additionalSecretOutputs: ["connectionInfo"] } },
  ]);
  expect(run.messages).toEqual([
    'VolumeAttachment "leaky": additionalSecretOutputs is ["connectionInfo"]: it lacks "credentials", so the engine stores the connection credentials (auth_username, auth_password, ...) in plain text in the state. ' +
      'Fix: keep "credentials" in additionalSecretOutputs: do not remove it with a transform, and create attachments with the VolumeAttachment class.',
  ]);
  expect(run.urns).toEqual([attachmentUrn("leaky")]);
});

test("credential keys in connectionInfo are reported by path, never with their value", async () => {
  const connectionInfo = {
    target_iqn: "iqn.2010-10.org.openstack:volume-1",
    auth_password: "hunter2",
    discovery_auth_username: "disc",
    nested: [{ keyring: "AQBx" }],
    secret_uuid: "0e0e0e0e-0000-4000-8000-000000000000",
    auth_method: "CHAP",
  };
  const run = await runStackPolicy(credentialsStaySecret, [{ name: "a", props: created({ connectionInfo }) }]);
  const tail =
    'it looks like a credential and is stored in plain text, outside the secret credentials output. Fix: move it into the "credentials" output (a provider bug if the provider put it there), or list the property in additionalSecretOutputs.';
  expect(run.messages).toEqual([
    `VolumeAttachment "a": connectionInfo.auth_password is a value (not shown here): ${tail}`,
    `VolumeAttachment "a": connectionInfo.discovery_auth_username is a value (not shown here): ${tail}`,
    `VolumeAttachment "a": connectionInfo.nested[0].keyring is a value (not shown here): ${tail}`,
  ]);
  expect(run.messages.join("\n")).not.toMatch(/hunter2|disc"|AQBx/);
});

test("connectionInfo made secret by additionalSecretOutputs may hold credentials; empty values are not credentials", async () => {
  const leakyInfo = { auth_password: "hunter2", target_iqn: "iqn.x" };
  const secret = await runStackPolicy(credentialsStaySecret, [
    {
      name: "a",
      props: created({ connectionInfo: leakyInfo }),
      opts: { additionalSecretOutputs: ["credentials", "connectionInfo"] },
    },
  ]);
  expect(secret.messages).toEqual([]);
  const empty = await runStackPolicy(credentialsStaySecret, [
    { name: "a", props: created({ connectionInfo: { auth_password: "", auth_username: null } }) },
  ]);
  expect(empty.messages).toEqual([]);
});

test("credentialKeyPattern and ignoredKeys come from config", async () => {
  const props = created({ connectionInfo: { chap_secret_key: "x", target_lun: 0 } });
  const byPattern = await runStackPolicy(credentialsStaySecret, [{ name: "a", props }], {
    credentialKeyPattern: "chap",
  });
  expect(byPattern.messages).toHaveLength(1);
  const ignored = await runStackPolicy(credentialsStaySecret, [{ name: "a", props }], {
    ignoredKeys: ["chap_secret_key"],
  });
  expect(ignored.messages).toEqual([]);
});

test("in a preview, unknown outputs are skipped and additionalSecretOutputs is still checked", async () => {
  const preview = created({ connectionInfo: UNKNOWN_STRING, credentials: UNKNOWN_STRING });
  const run = await runStackPolicy(credentialsStaySecret, [
    { name: "a", props: preview },
    { name: "b", props: preview, opts: { additionalSecretOutputs: [] } },
  ]);
  expect(run.unknown).toBeUndefined();
  expect(run.messages).toHaveLength(1);
  expect(run.messages[0]).toMatch(/^VolumeAttachment "b": additionalSecretOutputs is \[\]: /);
});
