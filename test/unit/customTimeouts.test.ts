/**
 * A resource's `customTimeouts` bound the waits of its create and update through the resource
 * plugin (the engine sends them in CreateRequest.timeout and UpdateRequest.timeout), in place of
 * waitTimeout; the dynamic provider protocol carries none, so there waitTimeout alone applies.
 * The wait here: os-complete gets no answer (503) and Cinder cannot be asked what it did (every
 * look answered 503), which without a bound lasts waitTimeout (10 minutes below).
 */
import * as proto from "@pulumi/pulumi/proto/provider_pb";
import { AttachmentOperations } from "../../provider/src/volumeAttachment/operations";
import { FakeCinderPerTest } from "../support/fakeCinder";
import { loadFixture } from "../support/fixtures";
import { PLUGIN_TYPE, PluginProcess, toStruct } from "../support/plugin";

const CREATED = "attachment-create-connector-ro.200";
const ID = (loadFixture(CREATED).response.body as { attachment: { id: string } }).attachment.id;
const VOLUME = (loadFixture(CREATED).response.body as { attachment: { volume_id: string } }).attachment.volume_id;
const INPUTS = {
  volumeId: VOLUME,
  connector: {
    initiator: "iqn.1993-08.org.debian:01:timeouts",
    ip: "192.0.2.10",
    host: "timeouts",
    platform: "x86_64",
    osType: "linux2",
    multipath: false,
  },
  complete: true,
};
const unavailable = { status: 503, body: { computeFault: { code: 503, message: "Service Unavailable" } } };

const fakes = new FakeCinderPerTest();
const unansweredComplete = () =>
  fakes.start([
    {
      method: "GET",
      path: `/v3/volumes/${VOLUME}`,
      reply: { status: 200, body: { volume: { id: VOLUME, name: "v", status: "available", multiattach: false } } },
    },
    { method: "POST", path: "/v3/attachments", reply: CREATED },
    { method: "POST", path: `/v3/attachments/${ID}/action`, reply: unavailable },
    { method: "GET", path: `/v3/attachments/${ID}`, reply: unavailable },
  ]);

/** The time `promise` takes to fail, and its error; given up after 15 s (the bound did not hold). */
async function timedFailure(promise: Promise<unknown>): Promise<{ ms: number; error: Error }> {
  const started = Date.now();
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<Error>((resolve) => {
    timer = setTimeout(() => resolve(new Error("still waiting after 15 s")), 15_000);
  });
  const error = await Promise.race([
    promise.then(
      () => new Error("it succeeded"),
      (err: unknown) => err as Error,
    ),
    late,
  ]);
  clearTimeout(timer);
  return { ms: Date.now() - started, error };
}

test("the core: a call's timeout replaces waitTimeout for its waits", async () => {
  const fake = await unansweredComplete();
  const ops = AttachmentOperations.fromConfig((key) => (key === "waitTimeout" ? "600" : undefined), {
    CINDER_ENDPOINT: fake.endpoint,
    OS_AUTH_TYPE: "noauth",
  });
  expect(ops.reliability().waitTimeoutMs).toBe(600_000);
  expect(ops.reliability({ timeoutMs: 1_000 }).waitTimeoutMs).toBe(1_000);
  const { ms, error } = await timedFailure(ops.create(INPUTS, { timeoutMs: 1_000 }));
  expect(error.message).toMatch(new RegExp(`attachment ${ID} was created but completing it failed`));
  expect(ms).toBeLessThan(14_000);
});

test("the resource plugin: CreateRequest.timeout (customTimeouts.create) bounds the create's waits", async () => {
  const fake = await unansweredComplete();
  const plugin = await PluginProcess.start();
  try {
    await plugin.configure({ authType: "noauth", endpoint: fake.endpoint, waitTimeout: "600" });
    const request = new proto.CreateRequest()
      .setUrn(`urn:pulumi:test::timeouts::${PLUGIN_TYPE}::a`)
      .setType(PLUGIN_TYPE)
      .setProperties(await toStruct(INPUTS))
      .setTimeout(1);
    const { ms, error } = await timedFailure(plugin.call("create", request));
    expect(error.message).toMatch(/completing it failed/);
    expect(ms).toBeLessThan(14_000);
  } finally {
    await plugin.stop("SIGKILL");
  }
});
