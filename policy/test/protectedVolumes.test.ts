import { protectedVolumes } from "../policies";
import { fullAttach, runResourcePolicy } from "./harness";

const VOLUME = "5f6d1e9c-4b7f-4c55-a6a3-0a9e8f3b8c21";

test("an unprotected attachment of a critical volume is reported", async () => {
  const run = await runResourcePolicy(
    protectedVolumes,
    { name: "db", props: fullAttach("c", { volumeId: VOLUME }) },
    { volumes: [VOLUME] },
  );
  expect(run.messages).toEqual([
    `VolumeAttachment "db": protect (resource option) is false: volume "${VOLUME}" is listed as critical, and an unprotected attachment is detached by a destroy, a replacement or removing the resource. ` +
      "Fix: pass { protect: true } in the attachment's resource options.",
  ]);
});

test("a protected attachment of a critical volume passes", async () => {
  const run = await runResourcePolicy(
    protectedVolumes,
    { props: fullAttach("c", { volumeId: VOLUME }), opts: { protect: true } },
    { volumes: [VOLUME] },
  );
  expect(run.messages).toEqual([]);
});

test("volumes matching volumePatterns are critical too; others are not", async () => {
  const config = { volumePatterns: ["pg-.*"] };
  const critical = await runResourcePolicy(
    protectedVolumes,
    { props: fullAttach("c", { volumeId: "pg-main" }) },
    config,
  );
  expect(critical.messages).toHaveLength(1);
  const other = await runResourcePolicy(protectedVolumes, { props: fullAttach("c", { volumeId: "scratch" }) }, config);
  expect(other.messages).toEqual([]);
});

test("is not applicable until critical volumes are configured", async () => {
  const run = await runResourcePolicy(protectedVolumes, { props: fullAttach("c") });
  expect(run).toMatchObject({ messages: [], notApplicable: "no volumes or volumePatterns configured" });
});
