import { isCredentialKey, splitConnectionInfo, toOutputs } from "../../provider/src/volumeAttachment/outputs";

const INFO = {
  driver_volume_type: "iscsi",
  target_iqn: "iqn.2010-10.org.openstack:volume-x",
  target_portal: "127.0.0.1:3260",
  target_lun: 0,
  target_discovered: false,
  auth_method: "CHAP",
  auth_username: "chap-user",
  auth_password: "chap-password",
  discovery_auth_password: "disc-password",
  qos_specs: null,
  secret_uuid: "not-a-credential",
  target_portals: ["127.0.0.1:3260", "127.0.0.2:3260"],
};

describe("connection info in outputs", () => {
  test("credentials move to their own (secret) output; everything else stays verbatim", () => {
    const split = splitConnectionInfo(INFO);
    expect(split.driverVolumeType).toBe("iscsi");
    expect(split.credentials).toEqual({
      auth_username: "chap-user",
      auth_password: "chap-password",
      discovery_auth_password: "disc-password",
    });
    expect(split.connectionInfo).toEqual({
      target_iqn: INFO.target_iqn,
      target_portal: INFO.target_portal,
      target_lun: 0,
      target_discovered: false,
      auth_method: "CHAP",
      qos_specs: null,
      secret_uuid: "not-a-credential",
      target_portals: INFO.target_portals,
    });
    expect(JSON.stringify(split.connectionInfo)).not.toMatch(/chap-password|chap-user|disc-password/);
  });

  test.each(["auth_password", "auth_username", "discovery_auth_username", "keyring", "secret", "token"])(
    "%s is a credential",
    (key) => {
      expect(isCredentialKey(key)).toBe(true);
    },
  );

  test.each(["auth_method", "target_iqn", "secret_uuid", "secret_type", "access_mode"])(
    "%s is not a credential",
    (key) => {
      expect(isCredentialKey(key)).toBe(false);
    },
  );

  test("outputs echo the inputs and report Cinder's facts, a given status winning over the response's", () => {
    const outputs = toOutputs(
      { volumeId: "data", complete: false, instanceUuid: "i" },
      { id: "a", status: "reserved", volumeId: "v", instanceUuid: "i", connectionInfo: INFO },
      { volumeName: "data", status: "attaching" },
    );
    expect(outputs).toMatchObject({
      attachmentId: "a",
      volumeId: "v",
      volumeName: "data",
      status: "attaching",
      driverVolumeType: "iscsi",
    });
    expect(outputs.credentials?.auth_password).toBe("chap-password");
  });
});
