import { multipathRequired } from "../policies";
import { fullAttach, runResourcePolicy } from "./harness";

function withMultipath(host: string, multipath: boolean | undefined): Record<string, unknown> {
  const props = fullAttach(host);
  props.connector = { ...(props.connector as object), multipath };
  return props;
}

test("by default every connector must use multipath: true passes", async () => {
  const run = await runResourcePolicy(multipathRequired, { props: withMultipath("compute-1", true) });
  expect(run).toEqual({ messages: [], urns: [] });
});

test("by default a connector with multipath false is reported with the fix", async () => {
  const run = await runResourcePolicy(multipathRequired, { name: "data", props: withMultipath("compute-1", false) });
  expect(run.messages).toEqual([
    'VolumeAttachment "data": connector.multipath is false: multipath is required for every connector. Fix: set connector.multipath: true (and run multipathd on the host).',
  ]);
});

test("a connector without multipath counts as false", async () => {
  const run = await runResourcePolicy(multipathRequired, {
    name: "data",
    props: withMultipath("compute-1", undefined),
  });
  expect(run.messages).toEqual([
    'VolumeAttachment "data": connector.multipath is (not set, so false): multipath is required for every connector. Fix: set connector.multipath: true (and run multipathd on the host).',
  ]);
});

test("with when: hosts-matching only matching hosts need multipath", async () => {
  const config = { when: "hosts-matching", hostPatterns: ["db-\\d+"] };
  const other = await runResourcePolicy(multipathRequired, { props: withMultipath("web-1", false) }, config);
  expect(other.messages).toEqual([]);
  const matching = await runResourcePolicy(
    multipathRequired,
    { name: "db", props: withMultipath("DB-3", false) },
    config,
  );
  expect(matching.messages).toEqual([
    'VolumeAttachment "db": connector.multipath is false: multipath is required for hosts matching /db-\\d+/, as "DB-3" does. Fix: set connector.multipath: true (and run multipathd on the host).',
  ]);
  const matchingOn = await runResourcePolicy(multipathRequired, { props: withMultipath("db-3", true) }, config);
  expect(matchingOn.messages).toEqual([]);
});

test("does not apply to reservations", async () => {
  const run = await runResourcePolicy(multipathRequired, {
    props: { volumeId: "v", instanceUuid: "83ec2e3b-4321-422b-8706-a84185f52a0a", complete: false },
  });
  expect(run).toMatchObject({ messages: [], notApplicable: "a reservation (no connector) has no paths" });
});
