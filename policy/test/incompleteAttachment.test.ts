import { incompleteAttachment } from "../policies";
import { fullAttach, runResourcePolicy } from "./harness";

test("a completed full attach passes", async () => {
  const run = await runResourcePolicy(incompleteAttachment, { props: fullAttach("compute-1") });
  expect(run).toEqual({ messages: [], urns: [] });
});

test("complete: false with a connector is reported", async () => {
  const run = await runResourcePolicy(incompleteAttachment, {
    name: "half",
    props: fullAttach("compute-1", { complete: false }),
  });
  expect(run.messages).toEqual([
    'VolumeAttachment "half": complete is false: with a connector this connects the volume but never marks the attachment complete, so the volume stays "attaching" (not "in-use") until something else completes it. ' +
      "Fix: remove complete (it defaults to true with a connector), or remove the connector to only reserve the volume.",
  ]);
});

test("a reservation (no connector, complete false) is not applicable", async () => {
  const run = await runResourcePolicy(incompleteAttachment, {
    props: { volumeId: "v", instanceUuid: "83ec2e3b-4321-422b-8706-a84185f52a0a", complete: false },
  });
  expect(run).toMatchObject({ messages: [], notApplicable: "a reservation (no connector) cannot be completed" });
});
