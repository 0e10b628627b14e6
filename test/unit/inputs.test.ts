import { checkInputs } from "../../provider/src/volumeAttachment/check";
import { UNKNOWN_VALUE } from "../../provider/src/volumeAttachment/shape";

const VOLUME = "11111111-2222-4333-8444-555555555555";
const INSTANCE = "83ec2e3b-4321-422b-8706-a84185f52a0a";
const ISCSI = { initiator: "iqn.1993-08.org.debian:01:cad181614cec", ip: "192.0.2.10", host: "compute-1" };

describe("check: defaults", () => {
  test("a connector gets the cinder CLI's defaults and complete defaults to true", () => {
    const { inputs, failures } = checkInputs({ volumeId: VOLUME, connector: ISCSI });
    expect(failures).toEqual([]);
    expect(inputs).toEqual({
      volumeId: VOLUME,
      connector: { ...ISCSI, platform: "x86_64", osType: "linux2", multipath: false },
      complete: true,
    });
  });

  test("a reservation (no connector) defaults complete to false", () => {
    expect(checkInputs({ volumeId: VOLUME, instanceUuid: INSTANCE }).inputs.complete).toBe(false);
  });

  test("WWNs are stored lowercase without colons", () => {
    const { inputs } = checkInputs({
      volumeId: VOLUME,
      connector: { wwpns: ["50:01:43:80:12:34:56:78", "5001438012345679"] },
    });
    expect(inputs.connector?.wwpns).toEqual(["5001438012345678", "5001438012345679"]);
  });

  test("a volume name is accepted as it is (resolved at create)", () => {
    expect(checkInputs({ volumeId: "db-data", connector: ISCSI }).failures).toEqual([]);
  });
});

describe("check: every bad input is a failure naming the property and the fix", () => {
  test.each<[string, Record<string, unknown>, string, RegExp]>([
    [
      "malformed volume ID",
      { volumeId: "05551600-a936-4d4a-ba42-79a037c1-c91a", connector: ISCSI },
      "volumeId",
      /malformed.*8-4-4-4-12/,
    ],
    ["missing volume", { connector: ISCSI }, "volumeId", /required/],
    ["instance that is not a UUID", { volumeId: VOLUME, instanceUuid: "server-1" }, "instanceUuid", /UUID/],
    ["reservation without an instance", { volumeId: VOLUME }, "instanceUuid", /required to reserve.*connector/],
    [
      "IQN without its date",
      { volumeId: VOLUME, connector: { ...ISCSI, initiator: "iqn.org.debian:01:x" } },
      "connector.initiator",
      /iqn\.YYYY-MM/,
    ],
    [
      "IP that is not one",
      { volumeId: VOLUME, connector: { ...ISCSI, ip: "300.1.1.1" } },
      "connector.ip",
      /IPv4 or IPv6/,
    ],
    [
      "host with a space",
      { volumeId: VOLUME, connector: { ...ISCSI, host: "compute 1" } },
      "connector.host",
      /host name/,
    ],
    [
      "WWPN of 15 digits",
      { volumeId: VOLUME, connector: { wwpns: ["500143801234567"] } },
      "connector.wwpns.0",
      /16 hex digits/,
    ],
    [
      "NQN without a host part",
      { volumeId: VOLUME, connector: { nqn: "nqn.2014-08.org.nvmexpress" } },
      "connector.nqn",
      /nqn\.YYYY-MM/,
    ],
    [
      "relative mountpoint",
      { volumeId: VOLUME, connector: { ...ISCSI, mountpoint: "vdb" } },
      "connector.mountpoint",
      /absolute device path/,
    ],
    [
      "multipath as text",
      { volumeId: VOLUME, connector: { ...ISCSI, multipath: "yes" } },
      "connector.multipath",
      /true or false/,
    ],
    ["mode other than rw/ro", { volumeId: VOLUME, connector: ISCSI, mode: "rx" }, "mode", /"rw" or "ro"/],
    [
      "complete without a connector",
      { volumeId: VOLUME, instanceUuid: INSTANCE, complete: true },
      "complete",
      /needs a connector/,
    ],
    [
      "unknown connector field",
      { volumeId: VOLUME, connector: { ...ISCSI, wwpn: "x" } },
      "connector",
      /unknown connector field.*wwpn.*connector\.extra/,
    ],
    [
      "extra overriding a typed field",
      { volumeId: VOLUME, connector: { ...ISCSI, extra: { os_type: "win" } } },
      "connector.extra",
      /may not set typed fields/,
    ],
    ["unknown property", { volumeId: VOLUME, connector: ISCSI, volume: "x" }, "(inputs)", /unknown propert.*volume/],
  ])("%s", (_name, news, property, reason) => {
    const { failures } = checkInputs(news);
    expect(failures).toContainEqual({ property, reason: expect.stringMatching(reason) as string });
  });
});

describe("check: values not known yet in a preview", () => {
  test("pass unchecked, anywhere in the inputs", () => {
    const { failures, inputs } = checkInputs({ volumeId: UNKNOWN_VALUE, connector: { ...ISCSI, host: UNKNOWN_VALUE } });
    expect(failures).toEqual([]);
    expect(inputs.volumeId).toBe(UNKNOWN_VALUE);
  });

  test("do not hide failures of known values beside them", () => {
    const { failures } = checkInputs({ volumeId: UNKNOWN_VALUE, connector: { ...ISCSI, ip: "nope" } });
    expect(failures.map((f) => f.property)).toEqual(["connector.ip"]);
  });
});
