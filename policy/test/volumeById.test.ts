import { volumeById } from "../policies";
import { fullAttach, runResourcePolicy } from "./harness";

test("a volume ID passes", async () => {
  const run = await runResourcePolicy(volumeById, { props: fullAttach("compute-1") });
  expect(run).toEqual({ messages: [], urns: [] });
});

test("a volume name is reported with the fix", async () => {
  const run = await runResourcePolicy(volumeById, { name: "data", props: fullAttach("c", { volumeId: "pgdata" }) });
  expect(run.messages).toEqual([
    'VolumeAttachment "data": volumeId is "pgdata": it is a volume name, not an ID: names are not unique and can change, so it may resolve to another volume. ' +
      "Fix: use the volume's ID (e.g. from the volume resource or `openstack volume show -f value -c id pgdata`), or allow the name with allowedNamePatterns in the cinder-volume-by-id policy config.",
  ]);
});

test("names matching allowedNamePatterns pass", async () => {
  const config = { allowedNamePatterns: ["scratch-.*"] };
  const props = fullAttach("c", { volumeId: "scratch-1" });
  expect((await runResourcePolicy(volumeById, { props }, config)).messages).toEqual([]);
  const other = fullAttach("c", { volumeId: "pgdata" });
  expect((await runResourcePolicy(volumeById, { props: other }, config)).messages).toHaveLength(1);
});
