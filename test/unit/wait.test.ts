/**
 * Bounded waits on attachment and volume statuses, against the fake Cinder: targets end the wait,
 * failure statuses end it at once with Cinder's status in the message, and time runs out.
 */
import { noAuthSession } from "../../provider/src/auth/noauth";
import { CinderClient } from "../../provider/src/cinder/client";
import { CinderWaitError } from "../../provider/src/cinder/errors";
import {
  isVolumeFailureStatus,
  waitForAttachmentGone,
  waitForAttachmentStatus,
  waitForVolumeGone,
  waitForVolumeStatus,
} from "../../provider/src/cinder/attachments/wait";
import { FakeCinderPerTest, type Route } from "../support/fakeCinder";

const ID = "00000000-0000-4000-8000-0000000000a1";
const VOLUME = "00000000-0000-4000-8000-0000000000b1";
const FAST = { timeoutMs: 2_000, intervalMs: 10, maxIntervalMs: 20 };

/** Cinder's answer for the attachment in `status`. */
const attachment = (status: string) => ({
  status: 200,
  body: { attachment: { id: ID, status, volume_id: VOLUME, instance: null, attach_mode: "rw", connection_info: {} } },
});
const volume = (status: string, multiattach = false) => ({
  status: 200,
  body: { volume: { id: VOLUME, status, multiattach, size: 1 } },
});
const gone = { status: 404, body: { itemNotFound: { message: "not found", code: 404 } } };

const fakes = new FakeCinderPerTest();

async function client(routes: Route[]): Promise<CinderClient> {
  const fake = await fakes.start(routes);
  return CinderClient.connect({ endpoint: fake.endpoint, auth: noAuthSession({ userId: "a", projectId: "p" }) });
}
const polls = () => fakes.apiRequests().length;

describe("attachment status", () => {
  test("polls until a target status, and returns the attachment as Cinder has it then", async () => {
    const c = await client([
      {
        method: "GET",
        path: `/v3/attachments/${ID}`,
        reply: [attachment("reserved"), attachment("attaching"), attachment("attached")],
      },
    ]);
    await expect(waitForAttachmentStatus(c, ID, ["attached"], FAST)).resolves.toMatchObject({ status: "attached" });
    expect(polls()).toBe(3);
  });

  test.each(["error_attaching", "error_detaching"])(
    "%s ends the wait at the first poll, with Cinder's status in the message",
    async (status) => {
      const c = await client([{ method: "GET", path: `/v3/attachments/${ID}`, reply: attachment(status) }]);
      const failure = (await waitForAttachmentStatus(c, ID, ["attached"], { ...FAST, timeoutMs: 60_000 }).catch(
        (e: unknown) => e,
      )) as CinderWaitError;
      expect(failure).toBeInstanceOf(CinderWaitError);
      expect(failure.lastStatus).toBe(status);
      expect(failure.message).toContain(`attachment ${ID} is ${status} in Cinder while waiting for attached`);
      expect(polls()).toBe(1);
    },
  );

  test("a failure status that is the target ends the wait as reached", async () => {
    const c = await client([{ method: "GET", path: `/v3/attachments/${ID}`, reply: attachment("error_attaching") }]);
    await expect(waitForAttachmentStatus(c, ID, ["error_attaching"], FAST)).resolves.toMatchObject({
      status: "error_attaching",
    });
  });

  test("time runs out: the error names the last status and the time waited; polling stops", async () => {
    const c = await client([{ method: "GET", path: `/v3/attachments/${ID}`, reply: attachment("attaching") }]);
    const started = Date.now();
    const failure = (await waitForAttachmentStatus(c, ID, ["attached"], { ...FAST, timeoutMs: 300 }).catch(
      (e: unknown) => e,
    )) as CinderWaitError;
    expect(failure).toBeInstanceOf(CinderWaitError);
    expect(failure.lastStatus).toBe("attaching");
    expect(failure.message).toMatch(/still attaching in Cinder after 0\.\d s of waiting for attached/);
    expect(Date.now() - started).toBeLessThan(1_000);
    const count = polls();
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(polls()).toBe(count);
  });

  test("an attachment that disappears while awaited is an error, not a success", async () => {
    const c = await client([{ method: "GET", path: `/v3/attachments/${ID}`, reply: [attachment("reserved"), gone] }]);
    await expect(waitForAttachmentStatus(c, ID, ["attached"], FAST)).rejects.toThrow(/disappeared/);
  });

  test("waiting for it to be gone: detaching goes on, 404 ends it; error_detaching fails at once", async () => {
    const c = await client([
      { method: "GET", path: `/v3/attachments/${ID}`, reply: [attachment("detaching"), attachment("detaching"), gone] },
      { method: "GET", path: `/v3/attachments/other`, reply: attachment("error_detaching") },
    ]);
    await expect(waitForAttachmentGone(c, ID, FAST)).resolves.toBeUndefined();
    expect(polls()).toBe(3);
    await expect(waitForAttachmentGone(c, "other", FAST)).rejects.toMatchObject({ lastStatus: "error_detaching" });
    expect(polls()).toBe(4);
  });
});

describe("volume status", () => {
  test("polls until a target status", async () => {
    const c = await client([
      { method: "GET", path: `/v3/volumes/${VOLUME}`, reply: [volume("attaching"), volume("in-use")] },
    ]);
    await expect(waitForVolumeStatus(c, VOLUME, ["in-use"], FAST)).resolves.toMatchObject({ status: "in-use" });
  });

  test.each(["error", "error_deleting", "error_extending", "error_restoring"])(
    "volume %s ends the wait at once with the status in the message",
    async (status) => {
      const c = await client([{ method: "GET", path: `/v3/volumes/${VOLUME}`, reply: volume(status) }]);
      const failure = waitForVolumeStatus(c, VOLUME, ["available"], { ...FAST, timeoutMs: 60_000 });
      await expect(failure).rejects.toBeInstanceOf(CinderWaitError);
      await expect(failure).rejects.toThrow(`volume ${VOLUME} is ${status} in Cinder while waiting for available`);
      expect(polls()).toBe(1);
    },
  );

  test("{ leave }: waits until the volume is in none of the busy statuses", async () => {
    const c = await client([
      {
        method: "GET",
        path: `/v3/volumes/${VOLUME}`,
        reply: [volume("reserved", true), volume("attaching", true), volume("in-use", true)],
      },
    ]);
    const done = await waitForVolumeStatus(c, VOLUME, { leave: ["reserved", "attaching"] }, FAST);
    expect(done.status).toBe("in-use");
    expect(polls()).toBe(3);
  });

  test("waiting for it to be gone: deleting goes on, 404 ends it; error_deleting fails at once", async () => {
    const c = await client([
      { method: "GET", path: `/v3/volumes/${VOLUME}`, reply: [volume("deleting"), volume("deleting"), gone] },
      { method: "GET", path: "/v3/volumes/other", reply: volume("error_deleting") },
    ]);
    await expect(waitForVolumeGone(c, VOLUME, FAST)).resolves.toBeUndefined();
    expect(polls()).toBe(3);
    await expect(waitForVolumeGone(c, "other", FAST)).rejects.toMatchObject({ lastStatus: "error_deleting" });
    expect(polls()).toBe(4);
  });

  test("which volume statuses are failures", () => {
    expect(["error", "error_managing", "error_backing-up"].every(isVolumeFailureStatus)).toBe(true);
    expect(["available", "in-use", "reserved", "attaching", "detaching"].some(isVolumeFailureStatus)).toBe(false);
  });
});
