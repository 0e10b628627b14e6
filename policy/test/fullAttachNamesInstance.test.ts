import { fullAttachNamesInstance } from "../policies";
import { fullAttach, runResourcePolicy } from "./harness";

const external = { externalHosts: ["bm-7"], externalHostPatterns: ["metal-\\d+"] };

test("a full attach that names its instance passes", async () => {
  const run = await runResourcePolicy(fullAttachNamesInstance, { props: fullAttach("compute-1") });
  expect(run).toEqual({ messages: [], urns: [] });
});

test("a full attach without an instance to a host not marked external is reported", async () => {
  const run = await runResourcePolicy(
    fullAttachNamesInstance,
    { name: "data", props: fullAttach("bm-9", { instanceUuid: undefined }) },
    external,
  );
  expect(run.messages).toEqual([
    'VolumeAttachment "data": instanceUuid is (not set): a full attach to connector.host "bm-9" must name the instance it is for, and that host is not marked external (external hosts: "bm-7", /metal-\\d+/). ' +
      'Fix: set instanceUuid to the server\'s UUID, or, for a host outside Nova, add "bm-9" to externalHosts (or externalHostPatterns) in the cinder-full-attach-names-instance policy config.',
  ]);
});

test("a host listed or matched as external needs no instance", async () => {
  for (const host of ["bm-7", "BM-7", "metal-42"]) {
    const run = await runResourcePolicy(
      fullAttachNamesInstance,
      { props: fullAttach(host, { instanceUuid: undefined }) },
      external,
    );
    expect(run.messages).toEqual([]);
  }
});

test("a connector without a host and without an instance is reported", async () => {
  const props = fullAttach("x", { instanceUuid: undefined });
  props.connector = { initiator: "iqn.1993-08.org.debian:01:x", multipath: true };
  const run = await runResourcePolicy(fullAttachNamesInstance, { name: "anon", props });
  expect(run.messages).toEqual([
    'VolumeAttachment "anon": instanceUuid is (not set): a full attach to a connector without a host must name the instance it is for, and that host is not marked external (external hosts: (none)). ' +
      "Fix: set instanceUuid to the server's UUID, or set connector.host and list it in externalHosts in the cinder-full-attach-names-instance policy config.",
  ]);
});

test("does not apply to reservations", async () => {
  const run = await runResourcePolicy(fullAttachNamesInstance, {
    props: { volumeId: "v", instanceUuid: "83ec2e3b-4321-422b-8706-a84185f52a0a", complete: false },
  });
  expect(run).toMatchObject({ messages: [], notApplicable: "a reservation (no connector) is not a full attach" });
});
