import { sharedVolumeReadOnly } from "../policies";
import { UNKNOWN_STRING, attachmentUrn, fullAttach, runStackPolicy } from "./harness";

const VOLUME = "5f6d1e9c-4b7f-4c55-a6a3-0a9e8f3b8c21";

function on(name: string, host: string, mode?: "rw" | "ro", volumeId = VOLUME) {
  return { name, props: fullAttach(host, { volumeId, mode }) };
}

test("one volume on one host, read-write, passes", async () => {
  const run = await runStackPolicy(sharedVolumeReadOnly, [on("a", "compute-1")]);
  expect(run).toEqual({ messages: [], urns: [] });
});

test("a volume shared by two hosts read-only everywhere passes", async () => {
  const run = await runStackPolicy(sharedVolumeReadOnly, [on("a", "compute-1", "ro"), on("b", "compute-2", "ro")]);
  expect(run.messages).toEqual([]);
});

test("a volume shared by two hosts reports each attachment that is not read-only, against its URN", async () => {
  const run = await runStackPolicy(sharedVolumeReadOnly, [
    on("a", "compute-1", "ro"),
    on("b", "compute-2"),
    on("c", "compute-3", "rw"),
    on("other", "compute-1", "rw", "0e0e0e0e-0000-4000-8000-000000000000"),
  ]);
  const where = `"compute-1" by "a", "compute-2" by "b", "compute-3" by "c"`;
  const problem = `volume "${VOLUME}" is attached to 3 hosts in this stack (${where}), and a volume shared between hosts is attached read-only unless a cluster filesystem coordinates writes`;
  const fix = `Fix: set mode: "ro" on every attachment of "${VOLUME}", or add the volume to allowWritableVolumes in the cinder-shared-volume-read-only policy config.`;
  expect(run.messages).toEqual([
    `VolumeAttachment "b": mode is (not set, so "rw"): ${problem}. ${fix}`,
    `VolumeAttachment "c": mode is "rw": ${problem}. ${fix}`,
  ]);
  expect(run.urns).toEqual([attachmentUrn("b"), attachmentUrn("c")]);
});

test("two attachments of a volume on the same host are not sharing between hosts", async () => {
  const run = await runStackPolicy(sharedVolumeReadOnly, [on("a", "compute-1"), on("b", "COMPUTE-1")]);
  expect(run.messages).toEqual([]);
});

test("hosts are told apart by instance when there is no connector", async () => {
  const reserve = (name: string, instanceUuid: string) => ({ name, props: { volumeId: VOLUME, instanceUuid } });
  const run = await runStackPolicy(sharedVolumeReadOnly, [
    reserve("a", "83ec2e3b-4321-422b-8706-a84185f52a0a"),
    reserve("b", "93ec2e3b-4321-422b-8706-a84185f52a0a"),
  ]);
  expect(run.messages).toHaveLength(2);
  expect(run.messages[0]).toContain('"instance 83ec2e3b-4321-422b-8706-a84185f52a0a" by "a"');
});

test("volumes allowed by ID, by name (volumeName output) or by pattern may be writable on several hosts", async () => {
  const shared = [on("a", "compute-1"), on("b", "compute-2")];
  expect((await runStackPolicy(sharedVolumeReadOnly, shared, { allowWritableVolumes: [VOLUME] })).messages).toEqual([]);
  const named = shared.map((r) => ({ ...r, props: { ...r.props, volumeName: "gfs-1" } }));
  expect((await runStackPolicy(sharedVolumeReadOnly, named, { allowWritableVolumes: ["gfs-1"] })).messages).toEqual([]);
  expect(
    (await runStackPolicy(sharedVolumeReadOnly, named, { allowWritableVolumePatterns: ["gfs-.*"] })).messages,
  ).toEqual([]);
  expect(
    (await runStackPolicy(sharedVolumeReadOnly, named, { allowWritableVolumes: ["other"] })).messages,
  ).toHaveLength(2);
});

test("in a preview, attachments whose volume is not known yet are skipped, the others still checked", async () => {
  const run = await runStackPolicy(sharedVolumeReadOnly, [
    on("a", "compute-1"),
    on("b", "compute-2"),
    on("pending", "compute-3", undefined, UNKNOWN_STRING),
  ]);
  expect(run.unknown).toBeUndefined();
  expect(run.messages).toHaveLength(2);
});

test("other resource types in the stack are ignored", async () => {
  const run = await runStackPolicy(sharedVolumeReadOnly, [
    on("a", "compute-1"),
    { ...on("b", "compute-2"), type: "pulumi-nodejs:dynamic:Resource" },
  ]);
  expect(run.messages).toEqual([]);
});
