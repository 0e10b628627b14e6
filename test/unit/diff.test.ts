import { deepEqual, planDiff } from "../../provider/src/volumeAttachment/diff";
import type { VolumeAttachmentInputs, VolumeAttachmentOutputs } from "../../provider/src/volumeAttachment/shape";

const VOLUME = "11111111-2222-4333-8444-555555555555";
const OTHER_VOLUME = "99999999-2222-4333-8444-555555555555";
const INSTANCE = "83ec2e3b-4321-422b-8706-a84185f52a0a";
const CONNECTOR = {
  initiator: "iqn.1993-08.org.debian:01:a",
  ip: "192.0.2.1",
  host: "h1",
  platform: "x86_64",
  osType: "linux2",
  multipath: false,
};

const state: VolumeAttachmentOutputs = {
  volumeId: VOLUME,
  volumeName: "data",
  instanceUuid: INSTANCE,
  connector: CONNECTOR,
  complete: true,
  attachmentId: "aaaaaaaa-2222-4333-8444-555555555555",
  status: "attached",
};
const same: VolumeAttachmentInputs = { volumeId: VOLUME, instanceUuid: INSTANCE, connector: CONNECTOR, complete: true };

describe("planning a change of a VolumeAttachment", () => {
  test("identical inputs change nothing (the created attachment id is not an input change)", () => {
    expect(planDiff(state, same)).toEqual({ changes: [], replaces: [], sameVolume: true, details: [] });
  });

  test("details name each changed connector field as an update, and a replacing property as a replacement", () => {
    const moved = {
      ...same,
      volumeId: OTHER_VOLUME,
      connector: { ...CONNECTOR, initiator: "iqn.1993-08.org.debian:01:b", mountpoint: "/dev/vdb" },
    };
    expect(planDiff(state, moved).details).toEqual([
      { path: "volumeId", kind: "update", replace: true },
      { path: "connector.initiator", kind: "update", replace: false },
      { path: "connector.mountpoint", kind: "add", replace: false },
    ]);
  });

  test("details: a connector added to a reservation is one add; one dropped is a replacing delete", () => {
    const reservation = { ...state, connector: undefined };
    expect(planDiff(reservation, same).details).toEqual([{ path: "connector", kind: "add", replace: false }]);
    expect(planDiff(state, { ...same, connector: undefined, complete: false }).details).toEqual([
      { path: "connector", kind: "delete", replace: true },
      { path: "complete", kind: "update", replace: false },
    ]);
  });

  test('a mode left out and mode "rw" are the same mode (Cinder attaches read-write by default); "ro" replaces', () => {
    expect(planDiff(state, { ...same, mode: "rw" }).changes).toEqual([]);
    expect(planDiff({ ...state, mode: "rw" }, same).changes).toEqual([]);
    expect(planDiff(state, { ...same, mode: "ro" }).replaces).toEqual(["mode"]);
  });

  test("the volume's name, when it was attached by name, is the same volume", () => {
    expect(planDiff(state, { ...same, volumeId: "data" }).changes).toEqual([]);
  });

  const reservation: VolumeAttachmentOutputs = { ...state, connector: undefined, complete: false, status: "reserved" };
  test.each<[string, VolumeAttachmentOutputs, VolumeAttachmentInputs, string[], string[]]>([
    [
      "a new connector updates in place",
      state,
      { ...same, connector: { ...CONNECTOR, host: "h2" } },
      ["connector"],
      [],
    ],
    ["a first connector for a reservation updates in place", reservation, same, ["connector", "complete"], []],
    ["turning complete on updates in place", { ...state, complete: false }, same, ["complete"], []],
    ["a new volume replaces", state, { ...same, volumeId: OTHER_VOLUME }, ["volumeId"], ["volumeId"]],
    [
      "a new instance replaces",
      state,
      { ...same, instanceUuid: "83ec2e3b-4321-422b-8706-a84185f52a0b" },
      ["instanceUuid"],
      ["instanceUuid"],
    ],
    ["a new mode replaces", state, { ...same, mode: "ro" }, ["mode"], ["mode"]],
    [
      "dropping the connector replaces (Cinder cannot take it back)",
      state,
      { ...same, connector: undefined, complete: true },
      ["connector"],
      ["connector"],
    ],
    [
      "adopting another attachment replaces",
      state,
      { ...same, attachmentId: "bbbbbbbb-2222-4333-8444-555555555555" },
      ["attachmentId"],
      ["attachmentId"],
    ],
  ])("%s", (_name, olds, news, changes, replaces) => {
    const plan = planDiff(olds, news);
    expect(plan.changes).toEqual(changes);
    expect(plan.replaces).toEqual(replaces);
  });

  test("a replacement on another volume is not a same-volume replacement", () => {
    expect(planDiff(state, { ...same, volumeId: OTHER_VOLUME }).sameVolume).toBe(false);
    expect(planDiff(state, { ...same, mode: "ro" }).sameVolume).toBe(true);
  });
});

describe("structural equality of connectors", () => {
  test("ignores key order and undefined keys, but not values or list order", () => {
    expect(deepEqual({ a: 1, b: [1, 2] }, { b: [1, 2], a: 1, c: undefined })).toBe(true);
    expect(deepEqual({ a: 1 }, { a: "1" })).toBe(false);
    expect(deepEqual({ l: [1, 2] }, { l: [2, 1] })).toBe(false);
    expect(deepEqual(undefined, {})).toBe(false);
  });
});
