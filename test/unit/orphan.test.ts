/**
 * Which attachment an interrupted create of a resource can have left (recovery/orphan.ts): the rules,
 * on attachments as Cinder lists them.
 */
import type { Attachment } from "../../provider/src/cinder/attachments";
import { orphanCandidates } from "../../provider/src/volumeAttachment/recovery/orphan";
import type { VolumeAttachmentInputs } from "../../provider/src/volumeAttachment/shape";
import { CONNECTOR_DEFAULTS } from "../support/connectors";

const VOLUME = "00000000-0000-4000-8000-0000000000b1";
const INSTANCE = "00000000-0000-4000-8000-0000000000c1";
const OTHER_INSTANCE = "00000000-0000-4000-8000-0000000000c2";
const CONNECTOR = {
  initiator: "iqn.1993-08.org.debian:01:unit",
  ip: "127.0.0.1",
  host: "unit-host",
  ...CONNECTOR_DEFAULTS,
};
const CONNECTION = { driver_volume_type: "iscsi", target_iqn: "iqn.2010-10.org.openstack:volume-x" };

const attachment = (id: string, fields: Partial<Attachment>): Attachment => ({
  id,
  volumeId: VOLUME,
  status: "reserved",
  instanceUuid: INSTANCE,
  attachMode: "rw",
  ...fields,
});
const reserve: VolumeAttachmentInputs = { volumeId: VOLUME, instanceUuid: INSTANCE, complete: false };
const full: VolumeAttachmentInputs = { volumeId: VOLUME, instanceUuid: INSTANCE, connector: CONNECTOR, complete: true };
const nobodyHolds = () => false;
const ids = (found: Attachment[]) => found.map((a) => a.id);

test("a reservation for the instance is what a reserve leaves; a connected, uncompleted one what a full create leaves", () => {
  const listed = [
    attachment("reservation", {}),
    attachment("connected", { status: "attaching", connectionInfo: CONNECTION }),
  ];
  expect(ids(orphanCandidates(listed, reserve, nobodyHolds))).toEqual(["reservation"]);
  expect(ids(orphanCandidates(listed, full, nobodyHolds))).toEqual(["connected"]);
});

test("a completed or failed attachment, another instance's, another mode's, or one a resource holds is never a candidate", () => {
  const listed = [
    attachment("completed", { status: "attached", connectionInfo: CONNECTION }),
    attachment("failed", { status: "error_attaching" }),
    attachment("other instance", { status: "attaching", connectionInfo: CONNECTION, instanceUuid: OTHER_INSTANCE }),
    attachment("read-only", { status: "attaching", connectionInfo: CONNECTION, attachMode: "ro" }),
    attachment("held", { status: "attaching", connectionInfo: CONNECTION }),
  ];
  expect(ids(orphanCandidates(listed, { ...full, mode: "rw" }, (id) => id === "held"))).toEqual([]);
  expect(ids(orphanCandidates(listed, { ...full, mode: "ro" }, (id) => id === "held"))).toEqual(["read-only"]);
});

test("a create without an instance has no candidates: an attachment in the making without one could be any host's", () => {
  const listed = [
    attachment("no instance", { status: "attaching", connectionInfo: CONNECTION, instanceUuid: undefined }),
  ];
  expect(orphanCandidates(listed, { ...full, instanceUuid: undefined }, nobodyHolds)).toEqual([]);
});
