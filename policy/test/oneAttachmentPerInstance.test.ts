import { oneAttachmentPerInstance } from "../policies";
import { attachmentUrn, fullAttach, runStackPolicy } from "./harness";

const VOLUME = "5f6d1e9c-4b7f-4c55-a6a3-0a9e8f3b8c21";
const INSTANCE = "83ec2e3b-4321-422b-8706-a84185f52a0a";
const OTHER_INSTANCE = "0e0e0e0e-0000-4000-8000-000000000000";

function on(name: string, host: string, extra: Record<string, unknown> = {}) {
  return { name, props: fullAttach(host, { volumeId: VOLUME, mode: "ro", ...extra }) };
}

test("one volume attached to two instances, or to none, passes", async () => {
  const run = await runStackPolicy(oneAttachmentPerInstance, [
    on("a", "compute-1"),
    on("b", "compute-2", { instanceUuid: OTHER_INSTANCE }),
    on("c", "compute-3", { instanceUuid: undefined }),
    on("d", "compute-4", { instanceUuid: undefined }),
  ]);
  expect(run).toEqual({ messages: [], urns: [] });
});

test("two attachments of one volume for one instance are both reported, even on two hosts of a multiattach volume", async () => {
  const run = await runStackPolicy(oneAttachmentPerInstance, [on("b", "compute-2"), on("a", "compute-1")]);
  const problem = `2 attachments in this stack ("a", "b") attach volume "${VOLUME}" to this instance, and an attachment of one could not be told from the other's`;
  const fix =
    "Fix: declare one attachment per volume and instance (a new host for the instance is a connector change of that one attachment).";
  expect(run.messages).toEqual([
    `VolumeAttachment "a": instanceUuid is "${INSTANCE}": ${problem}. ${fix}`,
    `VolumeAttachment "b": instanceUuid is "${INSTANCE}": ${problem}. ${fix}`,
  ]);
  expect(run.urns).toEqual([attachmentUrn("a"), attachmentUrn("b")]);
});
