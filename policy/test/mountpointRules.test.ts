import { mountpointRules } from "../policies";
import { fullAttach, runResourcePolicy } from "./harness";

function at(mountpoint: string | undefined): Record<string, unknown> {
  const props = fullAttach("compute-1");
  props.connector = { ...(props.connector as object), mountpoint };
  return props;
}

test("by default a data device passes and no mountpoint is fine", async () => {
  expect((await runResourcePolicy(mountpointRules, { props: at("/dev/vdb") })).messages).toEqual([]);
  expect((await runResourcePolicy(mountpointRules, { props: at(undefined) })).messages).toEqual([]);
});

test("by default the usual root disks are reported", async () => {
  for (const device of ["/dev/vda", "/dev/sda", "/dev/xvda", "/dev/nvme0n1"]) {
    const run = await runResourcePolicy(mountpointRules, { name: "root", props: at(device) });
    expect(run.messages).toEqual([
      `VolumeAttachment "root": connector.mountpoint is "${device}": it matches a forbidden device (/\\/dev\\/[sv]da/, /\\/dev\\/xvda/, /\\/dev\\/nvme0n1/), usually the host's root disk. ` +
        "Fix: use the device the volume appears as on the host, e.g. /dev/vdb.",
    ]);
  }
  expect((await runResourcePolicy(mountpointRules, { props: at("/dev/vda1") })).messages).toEqual([]);
});

test("with required: true a missing mountpoint is reported", async () => {
  const run = await runResourcePolicy(mountpointRules, { name: "m", props: at(undefined) }, { required: true });
  expect(run.messages).toEqual([
    'VolumeAttachment "m": connector.mountpoint is (not set): a mountpoint is required, so the host\'s device for this volume is recorded in Cinder. ' +
      "Fix: set connector.mountpoint to the device path the volume appears as, e.g. /dev/vdb.",
  ]);
});

test("with allowedPatterns only matching paths pass", async () => {
  const config = { allowedPatterns: ["/dev/disk/by-id/.+"] };
  expect(
    (await runResourcePolicy(mountpointRules, { props: at("/dev/disk/by-id/virtio-abc") }, config)).messages,
  ).toEqual([]);
  const run = await runResourcePolicy(mountpointRules, { name: "m", props: at("/dev/vdc") }, config);
  expect(run.messages).toEqual([
    'VolumeAttachment "m": connector.mountpoint is "/dev/vdc": it does not follow the device naming allowed here (/\\/dev\\/disk\\/by-id\\/.+/). ' +
      "Fix: use a device path matching one of the allowedPatterns, or extend allowedPatterns in the cinder-mountpoint policy config.",
  ]);
});

test("forbiddenPatterns can be replaced by config", async () => {
  const run = await runResourcePolicy(mountpointRules, { props: at("/dev/vda") }, { forbiddenPatterns: [] });
  expect(run.messages).toEqual([]);
});
