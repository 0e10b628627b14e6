import { singleAttachmentPerVolume } from "../policies";
import { attachmentUrn, fullAttach, runStackPolicy } from "./harness";

const VOLUME = "5f6d1e9c-4b7f-4c55-a6a3-0a9e8f3b8c21";
const OTHER = "0e0e0e0e-0000-4000-8000-000000000000";

function on(name: string, host: string, volumeId = VOLUME, extra: Record<string, unknown> = {}) {
  return { name, props: fullAttach(host, { volumeId, mode: "ro", ...extra }) };
}

test("each volume attached once passes", async () => {
  const run = await runStackPolicy(singleAttachmentPerVolume, [on("a", "compute-1"), on("b", "compute-1", OTHER)]);
  expect(run).toEqual({ messages: [], urns: [] });
});

test("two attachments of a volume not listed as multiattach are both reported (in name order), even read-only", async () => {
  const run = await runStackPolicy(singleAttachmentPerVolume, [
    on("b", "compute-2"),
    on("c", "compute-2", OTHER),
    on("a", "compute-1"),
  ]);
  const problem = `2 attachments in this stack ("a", "b") target this volume, which is not listed as multiattach, and Cinder refuses a second attachment of a volume without multiattach`;
  const fix =
    "Fix: attach the volume once, or give it a multiattach volume type and add it to multiattachVolumes in the cinder-single-attachment-per-volume policy config.";
  expect(run.messages).toEqual([
    `VolumeAttachment "a": volumeId is "${VOLUME}": ${problem}. ${fix}`,
    `VolumeAttachment "b": volumeId is "${VOLUME}": ${problem}. ${fix}`,
  ]);
  expect(run.urns).toEqual([attachmentUrn("a"), attachmentUrn("b")]);
});

test("volumes listed as multiattach by ID, name or pattern may be attached several times", async () => {
  const twice = [on("a", "compute-1"), on("b", "compute-2")];
  expect((await runStackPolicy(singleAttachmentPerVolume, twice, { multiattachVolumes: [VOLUME] })).messages).toEqual(
    [],
  );
  const named = [on("a", "c1", VOLUME, { volumeName: "shared-1" }), on("b", "c2", VOLUME, { volumeName: "shared-1" })];
  expect(
    (await runStackPolicy(singleAttachmentPerVolume, named, { multiattachVolumes: ["shared-1"] })).messages,
  ).toEqual([]);
  expect(
    (await runStackPolicy(singleAttachmentPerVolume, named, { multiattachVolumePatterns: ["shared-\\d+"] })).messages,
  ).toEqual([]);
  expect(
    (await runStackPolicy(singleAttachmentPerVolume, named, { multiattachVolumePatterns: ["shared"] })).messages,
  ).toHaveLength(2);
});
