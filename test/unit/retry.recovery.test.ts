/**
 * What the provider does when Cinder's answer is lost or refused: it finds out what happened and
 * adopts, finishes or cleans up; it never resends a create blindly. Against the fake Cinder, whose
 * request log is the evidence (the proxy in front adds resets and timeouts).
 */
import { noAuthSession } from "../../provider/src/auth/noauth";
import { CinderClient } from "../../provider/src/cinder/client";
import {
  CinderBadRequestError,
  CinderConflictError,
  CinderServerError,
  CinderWaitError,
} from "../../provider/src/cinder/errors";
import { resolveSettings } from "../../provider/src/config/settings";
import { AttachmentDeleteRefusedError } from "../../provider/src/volumeAttachment/errors";
import { AttachmentClaims } from "../../provider/src/volumeAttachment/claims";
import { AttachmentOperations } from "../../provider/src/volumeAttachment/operations";
import { reserveRefusalStatus } from "../../provider/src/cinder/attachments/refusals";
import {
  DEFAULT_RELIABILITY,
  type ReliabilitySettings,
  reliabilityOptions,
} from "../../provider/src/config/reliability";
import {
  AttachmentCreateFailedError,
  StrandedVolumeError,
  VolumeBusyError,
} from "../../provider/src/volumeAttachment/errors";
import type { VolumeAttachmentInputs } from "../../provider/src/volumeAttachment/shape";
import { FakeCinderPerTest, type Route } from "../support/fakeCinder";
import type { Fault } from "../support/proxy";
import { CONNECTOR_DEFAULTS } from "../support/connectors";

const VOLUME = "00000000-0000-4000-8000-0000000000b1";
const MINE = "00000000-0000-4000-8000-0000000000a1";
const OTHER = "00000000-0000-4000-8000-0000000000a2";
const INSTANCE = "00000000-0000-4000-8000-0000000000c1";
const HOST = { initiator: "iqn.1993-08.org.debian:01:unit", ip: "127.0.0.1", host: "unit-host", ...CONNECTOR_DEFAULTS };
const FULL: VolumeAttachmentInputs = { volumeId: VOLUME, connector: HOST, complete: true };
const FAST: ReliabilitySettings = { waitTimeoutMs: 3_000, createSettleMs: 300, pollIntervalMs: 10 };

interface AttachmentShape {
  status: string;
  instance?: string;
  connected?: boolean;
  mode?: string;
}
const wire = (id: string, a: AttachmentShape) => ({
  id,
  status: a.status,
  instance: a.instance ?? null,
  volume_id: VOLUME,
  attached_at: "",
  detached_at: "",
  attach_mode: a.mode ?? "null",
  connection_info: a.connected
    ? { driver_volume_type: "iscsi", target_portal: "127.0.0.1:3260", auth_password: "pw" }
    : null,
});
const one = (id: string, a: AttachmentShape) => ({ status: 200, body: { attachment: wire(id, a) } });
const list = (...items: [string, AttachmentShape][]) => ({
  status: 200,
  body: { attachments: items.map(([id, a]) => wire(id, a)) },
});
const volume = (status: string, multiattach = false) => ({
  status: 200,
  body: { volume: { id: VOLUME, status, multiattach, size: 1 } },
});
const fault = (status: number, message = `injected ${status}`) => ({
  status,
  body: { [status === 400 ? "badRequest" : "computeFault"]: { message, code: status } },
});
const refusal = (current: string, multi = true) =>
  fault(
    400,
    `Invalid volume: Volume ${VOLUME} status must be available or ${multi ? "in-use or " : ""}downloading to reserve, but the current status is ${current}.`,
  );
const complete204 = { status: 204, body: undefined };
const notFound = fault(404, "not found");

const ATTACHMENTS = "/v3/attachments";
const DETAIL = "/v3/attachments/detail";
const VOLUME_PATH = `/v3/volumes/${VOLUME}`;
const ACTION = (id: string) => `/v3/attachments/${id}/action`;

const fakes = new FakeCinderPerTest();

/** Provider operations against a fake answering `routes`; `faults` are applied in turn to POST /v3/attachments. */
async function operations(
  routes: Route[],
  options: { faults?: Fault[]; reliability?: ReliabilitySettings; timeoutMs?: number; serviceRoles?: string[] } = {},
): Promise<AttachmentOperations> {
  await fakes.start(routes);
  const queue = [...(options.faults ?? [])];
  const proxy = await fakes.proxy((method, path) =>
    method === "POST" && path === ATTACHMENTS ? (queue.shift() ?? { kind: "forward" }) : { kind: "forward" },
  );
  const endpoint = `${proxy.url}/v3`;
  const settings = resolveSettings(() => undefined, { CINDER_ENDPOINT: endpoint, OS_AUTH_TYPE: "noauth" });
  return new AttachmentOperations({
    connection: () => settings,
    reliability: () => ({ ...FAST, ...options.reliability }),
    // A provider process of its own per test: the tests' attachment ids repeat.
    claims: new AttachmentClaims(),
    connect: () =>
      CinderClient.connect({
        endpoint,
        auth: noAuthSession({ userId: "admin", projectId: "admin", serviceRoles: options.serviceRoles }),
        retry: { baseDelayMs: 5, maxDelayMs: 20 },
        timeoutMs: options.timeoutMs ?? 2_000,
      }),
  });
}

/** What the fake received, as `METHOD path` lines (queries dropped). */
const sent = () => fakes.apiRequests().map((r) => `${r.method} ${r.url.split("?")[0]}`);
const posts = () => sent().filter((line) => line === `POST ${ATTACHMENTS}`);

describe("a create whose answer is lost", () => {
  test("a 502 after Cinder acted: the attachment it made is found, adopted and completed; the POST is not resent", async () => {
    const ops = await operations([
      { method: "POST", path: ATTACHMENTS, reply: fault(502) },
      {
        method: "GET",
        path: DETAIL,
        reply: list([OTHER, { status: "attached" }], [MINE, { status: "attaching", connected: true }]),
      },
      { method: "POST", path: ACTION(MINE), reply: complete204 },
    ]);
    const { id, outs } = await ops.create(FULL);
    expect(id).toBe(MINE);
    expect(outs).toMatchObject({ attachmentId: MINE, status: "attached", driverVolumeType: "iscsi" });
    expect(outs.credentials).toEqual({ auth_password: "pw" });
    expect(sent()).toEqual([`POST ${ATTACHMENTS}`, `GET ${DETAIL}`, `POST ${ACTION(MINE)}`]);
  });

  test("a reset before Cinder saw it: nothing was made, so the create is sent again (after looking), once", async () => {
    const ops = await operations(
      [
        { method: "POST", path: ATTACHMENTS, reply: one(MINE, { status: "reserved", connected: true }) },
        { method: "GET", path: DETAIL, reply: list() },
        { method: "GET", path: VOLUME_PATH, reply: volume("available") },
        { method: "POST", path: ACTION(MINE), reply: complete204 },
      ],
      { faults: [{ kind: "reset" }] },
    );
    const { id } = await ops.create(FULL);
    expect(id).toBe(MINE);
    expect(sent()).toEqual([`GET ${DETAIL}`, `GET ${VOLUME_PATH}`, `POST ${ATTACHMENTS}`, `POST ${ACTION(MINE)}`]);
  });

  test("create attempts are bounded: resets every time end in an error saying that nothing was made", async () => {
    const ops = await operations(
      [
        { method: "GET", path: DETAIL, reply: list() },
        { method: "GET", path: VOLUME_PATH, reply: volume("available") },
      ],
      { faults: Array<Fault>(5).fill({ kind: "reset" }), reliability: { createAttempts: 3 } },
    );
    const failure = ops.create(FULL);
    await expect(failure).rejects.toBeInstanceOf(AttachmentCreateFailedError);
    await expect(failure).rejects.toThrow(
      /failed 3 times \(last: .*ECONNRESET.*\); Cinder made no attachment\. Nothing was left behind/,
    );
    expect(fakes.proxied?.exchanges.filter((e) => e.method === "POST")).toEqual([]);
  });

  test("a timeout while Cinder is slow: the attachment that shows up within the settle time is adopted", async () => {
    const ops = await operations(
      [
        { method: "POST", path: ATTACHMENTS, reply: one(MINE, { status: "reserved", connected: true }) },
        {
          method: "GET",
          path: DETAIL,
          reply: [list(), list(), list([MINE, { status: "attaching", connected: true }])],
        },
        { method: "POST", path: ACTION(MINE), reply: complete204 },
      ],
      { faults: [{ kind: "delay-response", ms: 400 }], timeoutMs: 150, reliability: { createSettleMs: 2_000 } },
    );
    const { id, outs } = await ops.create(FULL);
    expect(id).toBe(MINE);
    expect(outs.status).toBe("attached");
    expect(posts()).toHaveLength(1);
  });

  test("an unreadable 200 to the create is a lost answer too: Cinder made it, so it is found, not leaked", async () => {
    const ops = await operations([
      { method: "POST", path: ATTACHMENTS, reply: { status: 200, body: { attachment: { id: MINE } } } },
      { method: "GET", path: DETAIL, reply: list([MINE, { status: "attaching", connected: true }]) },
      { method: "POST", path: ACTION(MINE), reply: complete204 },
    ]);
    await expect(ops.create(FULL)).resolves.toMatchObject({ id: MINE });
    expect(posts()).toHaveLength(1);
  });

  test("only an attachment in the making, for this instance, is ours: completed ones and other instances are left alone", async () => {
    const ops = await operations(
      [
        {
          method: "GET",
          path: DETAIL,
          reply: list(
            [OTHER, { status: "attached", instance: INSTANCE, connected: true }],
            [
              "00000000-0000-4000-8000-0000000000a3",
              { status: "reserved", instance: "00000000-0000-4000-8000-0000000000c2" },
            ],
          ),
        },
        { method: "GET", path: VOLUME_PATH, reply: volume("in-use", true) },
        { method: "POST", path: ATTACHMENTS, reply: one(MINE, { status: "reserved", instance: INSTANCE }) },
      ],
      { faults: [{ kind: "reset" }] },
    );
    const { id } = await ops.create({ volumeId: VOLUME, instanceUuid: INSTANCE, complete: false });
    expect(id).toBe(MINE);
    expect(posts()).toHaveLength(1);
  });

  test("Cinder's 500 with its reservation left behind: connecting it is tried, then it is deleted; the POST is not resent", async () => {
    const driverFailure = fault(
      500,
      "Unable to create attachment for volume (Invalid input received: Connector doesn't have required information: initiator).",
    );
    const ops = await operations([
      { method: "POST", path: ATTACHMENTS, reply: driverFailure },
      { method: "GET", path: DETAIL, reply: list([MINE, { status: "reserved" }]) },
      { method: "PUT", path: `/v3/attachments/${MINE}`, reply: fault(500, "Unable to update attachment.") },
      { method: "DELETE", path: `/v3/attachments/${MINE}`, reply: { status: 200, body: { attachments: [] } } },
    ]);
    const failure = ops.create(FULL);
    await expect(failure).rejects.toBeInstanceOf(AttachmentCreateFailedError);
    await expect(failure).rejects.toThrow(
      new RegExp(
        `Connector doesn't have required information.*reserved attachment ${MINE} without connecting it.*it was deleted, and nothing is left behind`,
      ),
    );
    expect(sent()).toEqual([
      `POST ${ATTACHMENTS}`,
      `GET ${DETAIL}`,
      ...Array<string>(4).fill(`PUT /v3/attachments/${MINE}`), // the client's retries of an idempotent PUT
      `DELETE /v3/attachments/${MINE}`,
    ]);
  });

  test("Cinder's 500 with the volume left reserved and no attachment: the volume is reset, and the create sent again", async () => {
    const ops = await operations([
      { method: "POST", path: ATTACHMENTS, reply: [fault(500), one(MINE, { status: "reserved", connected: true })] },
      { method: "GET", path: DETAIL, reply: list() },
      { method: "GET", path: VOLUME_PATH, reply: [volume("reserved"), volume("reserved"), volume("available")] },
      { method: "POST", path: `${VOLUME_PATH}/action`, reply: { status: 202, body: undefined } },
      { method: "POST", path: ACTION(MINE), reply: complete204 },
    ]);
    await expect(ops.create(FULL)).resolves.toMatchObject({ id: MINE, outs: { status: "attached" } });
    const reset = fakes.apiRequests().find((r) => r.url === `${VOLUME_PATH}/action`);
    expect(reset?.body).toEqual({ "os-reset_status": { status: "available", attach_status: "detached" } });
    expect(sent().indexOf(`POST ${VOLUME_PATH}/action`)).toBeLessThan(sent().lastIndexOf(`POST ${ATTACHMENTS}`));
    expect(posts()).toHaveLength(2);
  });

  test("Cinder failing every time: bounded, and the error says the volume was reset and nothing is left", async () => {
    const ops = await operations(
      [
        { method: "POST", path: ATTACHMENTS, reply: fault(500) },
        { method: "GET", path: DETAIL, reply: list() },
        { method: "GET", path: VOLUME_PATH, reply: [volume("reserved"), volume("reserved"), volume("available")] },
        { method: "POST", path: `${VOLUME_PATH}/action`, reply: { status: 202, body: undefined } },
      ],
      { reliability: { createAttempts: 2 } },
    );
    await expect(ops.create(FULL)).rejects.toThrow(
      /failed 2 times \(last: .*injected 500.*\); Cinder made no attachment; volume .* was left reserved without an attachment and was reset\. Nothing was left behind/,
    );
    expect(posts()).toHaveLength(2);
  });

  test("a stranded reservation the caller may not reset: the error gives the exact admin command", async () => {
    const ops = await operations([
      { method: "POST", path: ATTACHMENTS, reply: fault(503) },
      { method: "GET", path: DETAIL, reply: list() },
      { method: "GET", path: VOLUME_PATH, reply: volume("reserved") },
      {
        method: "POST",
        path: `${VOLUME_PATH}/action`,
        reply: fault(403, "Policy doesn't allow volume_extension:volume_admin_actions:reset_status"),
      },
    ]);
    const failure = (await ops.create(FULL).catch((e: unknown) => e)) as StrandedVolumeError;
    expect(failure).toBeInstanceOf(StrandedVolumeError);
    expect(failure.command).toBe(`cinder reset-state --state available --attach-status detached ${VOLUME}`);
    expect(failure.message).toContain("reset_status");
    expect(posts()).toHaveLength(1);
  });

  test("an error_attaching attachment left by the create is deleted and the failure names the status", async () => {
    const ops = await operations([
      { method: "POST", path: ATTACHMENTS, reply: fault(504) },
      { method: "GET", path: DETAIL, reply: list([MINE, { status: "error_attaching" }]) },
      { method: "DELETE", path: `/v3/attachments/${MINE}`, reply: { status: 200, body: { attachments: [] } } },
    ]);
    await expect(ops.create(FULL)).rejects.toThrow(
      new RegExp(`left attachment ${MINE} in error_attaching; it was deleted`),
    );
  });
});

describe("a create refused because the volume is busy", () => {
  test("multiattach, the other attachment still attaching: waits until the volume is in-use, then sends the create again", async () => {
    const ops = await operations([
      {
        method: "POST",
        path: ATTACHMENTS,
        reply: [refusal("attaching"), one(MINE, { status: "reserved", connected: true })],
      },
      {
        method: "GET",
        path: VOLUME_PATH,
        reply: [
          volume("attaching", true),
          volume("attaching", true),
          volume("attaching", true),
          volume("in-use", true),
        ],
      },
      { method: "GET", path: DETAIL, reply: list([OTHER, { status: "attaching", connected: true }]) },
      { method: "POST", path: ACTION(MINE), reply: complete204 },
    ]);
    await expect(ops.create(FULL)).resolves.toMatchObject({ id: MINE });
    expect(posts()).toHaveLength(2);
    expect(sent().indexOf(`POST ${ATTACHMENTS}`, 1)).toBeGreaterThan(sent().lastIndexOf(`GET ${VOLUME_PATH}`));
  });

  test("the wait is bounded: a volume that stays attaching ends in VolumeBusyError naming its attachments", async () => {
    const ops = await operations(
      [
        { method: "POST", path: ATTACHMENTS, reply: refusal("attaching") },
        { method: "GET", path: VOLUME_PATH, reply: volume("attaching", true) },
        { method: "GET", path: DETAIL, reply: list([OTHER, { status: "attaching", connected: true }]) },
      ],
      { reliability: { waitTimeoutMs: 400 } },
    );
    const failure = ops.create(FULL);
    await expect(failure).rejects.toBeInstanceOf(VolumeBusyError);
    await expect(failure).rejects.toThrow(
      new RegExp(`still attaching in Cinder after .*its attachments: ${OTHER} \\(attaching\\)`),
    );
    expect(posts()).toHaveLength(1);
  });

  test("a single-attach volume in use: no wait, at once an error naming the holder and what to do", async () => {
    const ops = await operations([
      { method: "POST", path: ATTACHMENTS, reply: refusal("in-use", false) },
      { method: "GET", path: VOLUME_PATH, reply: volume("in-use") },
      {
        method: "GET",
        path: DETAIL,
        reply: list([OTHER, { status: "attached", instance: INSTANCE, connected: true }]),
      },
    ]);
    const started = Date.now();
    const failure = ops.create(FULL);
    await expect(failure).rejects.toThrow(
      new RegExp(
        `volume ${VOLUME} is in-use and not multiattach: its attachments: ${OTHER} \\(attached, instance ${INSTANCE}\\)\\. Detach it first, or adopt`,
      ),
    );
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(posts()).toHaveLength(1);
  });

  test("a volume reserved by nobody (stranded) is reset, and the create goes through", async () => {
    const ops = await operations([
      {
        method: "POST",
        path: ATTACHMENTS,
        reply: [refusal("reserved", false), one(MINE, { status: "reserved", instance: INSTANCE })],
      },
      {
        method: "GET",
        path: VOLUME_PATH,
        reply: [volume("reserved"), volume("reserved"), volume("reserved"), volume("available")],
      },
      { method: "GET", path: DETAIL, reply: list() },
      { method: "POST", path: `${VOLUME_PATH}/action`, reply: { status: 202, body: undefined } },
    ]);
    await expect(ops.create({ volumeId: VOLUME, instanceUuid: INSTANCE, complete: false })).resolves.toMatchObject({
      id: MINE,
    });
    expect(posts()).toHaveLength(2);
  });

  test("other 400s are Cinder's final word: no wait, no resend", async () => {
    const ops = await operations([
      { method: "POST", path: ATTACHMENTS, reply: fault(400, "Invalid input: connector") },
    ]);
    await expect(ops.create(FULL)).rejects.toBeInstanceOf(CinderBadRequestError);
    expect(sent()).toEqual([`POST ${ATTACHMENTS}`]);
  });

  test("the refusal is recognised by its exact text", () => {
    const error = (message: string) =>
      new CinderBadRequestError({
        method: "POST",
        path: "attachments",
        status: 400,
        expected: [200],
        faultMessage: message,
      });
    const cinderText = `Invalid volume: Volume ${VOLUME} status must be available or in-use or downloading to reserve, but the current status is attaching.`;
    expect(reserveRefusalStatus(error(cinderText))).toBe("attaching");
    expect(
      reserveRefusalStatus(error("Volume attachments can not be created if the volume is in an error state.")),
    ).toBeUndefined();
    expect(reserveRefusalStatus(new Error("status must be x to reserve, but the current status is y"))).toBeUndefined();
  });
});

describe("complete and delete whose answer is lost", () => {
  const reserved: VolumeAttachmentInputs = { volumeId: VOLUME, connector: HOST, complete: true };
  const state = { ...reserved, attachmentId: MINE, status: "attaching" };

  test("os-complete answered 502: the attachment is attached already, so nothing is sent again", async () => {
    const ops = await operations([
      { method: "POST", path: ACTION(MINE), reply: fault(502) },
      { method: "GET", path: `/v3/attachments/${MINE}`, reply: one(MINE, { status: "attached", connected: true }) },
    ]);
    await expect(ops.update(MINE, state, reserved)).resolves.toMatchObject({ outs: { status: "attached" } });
    expect(sent()).toEqual([`POST ${ACTION(MINE)}`, `GET /v3/attachments/${MINE}`]);
  });

  test("os-complete answered 502 and not done: sent once more", async () => {
    const ops = await operations([
      { method: "POST", path: ACTION(MINE), reply: [fault(502), complete204] },
      { method: "GET", path: `/v3/attachments/${MINE}`, reply: one(MINE, { status: "attaching", connected: true }) },
    ]);
    await expect(ops.update(MINE, state, reserved)).resolves.toMatchObject({ outs: { status: "attached" } });
    expect(sent().filter((line) => line.startsWith("POST"))).toHaveLength(2);
  });

  test("a delete answered 500 that did happen is a success; one that left error_detaching says so", async () => {
    const ops = await operations([
      { method: "DELETE", path: `/v3/attachments/${MINE}`, reply: fault(500, "Unable to terminate volume connection") },
      { method: "GET", path: `/v3/attachments/${MINE}`, reply: notFound },
      {
        method: "DELETE",
        path: `/v3/attachments/${OTHER}`,
        reply: fault(500, "Unable to terminate volume connection"),
      },
      { method: "GET", path: `/v3/attachments/${OTHER}`, reply: one(OTHER, { status: "error_detaching" }) },
    ]);
    await expect(ops.delete(MINE)).resolves.toBeUndefined();
    const failure = ops.delete(OTHER);
    await expect(failure).rejects.toBeInstanceOf(CinderWaitError);
    await expect(failure).rejects.toThrow(new RegExp(`shows it error_detaching.*cinder attachment-delete ${OTHER}`));
  });
});

describe("a delete answered 500 (OSSA-2023-003: Cinder asks Nova unless the caller is a service)", () => {
  const refused = { method: "DELETE", path: `/v3/attachments/${MINE}`, reply: "attachment-delete-refused.500" };
  const deletes = () => sent().filter((line) => line === `DELETE /v3/attachments/${MINE}`);

  test("without service credentials, of an instance-bound connected attachment: the refusal is explained after one DELETE", async () => {
    const ops = await operations([
      refused,
      {
        method: "GET",
        path: `/v3/attachments/${MINE}`,
        reply: one(MINE, { status: "attached", instance: INSTANCE, connected: true }),
      },
    ]);
    const failure = ops.delete(MINE);
    await expect(failure).rejects.toBeInstanceOf(AttachmentDeleteRefusedError);
    await expect(failure).rejects.toThrow(/OSSA-2023-003.*noauthServiceRoles service.*pulumi destroy --run-program/s);
    expect(deletes()).toHaveLength(1);
  });

  test("without service credentials, of an attachment Cinder never refuses (no instance): its own failure, so the delete is sent again", async () => {
    const ops = await operations([
      { ...refused, reply: ["attachment-delete-refused.500", { status: 200, body: { attachments: [] } }] },
      { method: "GET", path: `/v3/attachments/${MINE}`, reply: one(MINE, { status: "attached", connected: true }) },
    ]);
    await expect(ops.delete(MINE)).resolves.toBeUndefined();
    expect(deletes()).toHaveLength(2);
  });

  test("with service roles a 500 that outlasts the retries is Cinder's failure, not called a refusal", async () => {
    const ops = await operations(
      [
        refused,
        {
          method: "GET",
          path: `/v3/attachments/${MINE}`,
          reply: one(MINE, { status: "attached", instance: INSTANCE, connected: true }),
        },
      ],
      { serviceRoles: ["service"] },
    );
    const failure = ops.delete(MINE);
    await expect(failure).rejects.toBeInstanceOf(CinderServerError);
    await expect(failure).rejects.not.toBeInstanceOf(AttachmentDeleteRefusedError);
    expect(deletes().length).toBeGreaterThan(1);
  });

  test("a 409 is the refusal of a cloud with Nova for a caller without service credentials, and only for such a caller", async () => {
    const conflict = { ...refused, reply: fault(409, "Attachment is in use by instance") };
    const plain = await operations([conflict]);
    await expect(plain.delete(MINE)).rejects.toBeInstanceOf(AttachmentDeleteRefusedError);
    const service = await operations([conflict], { serviceRoles: ["service"] });
    const failure = service.delete(MINE);
    await expect(failure).rejects.toBeInstanceOf(CinderConflictError);
    await expect(failure).rejects.not.toBeInstanceOf(AttachmentDeleteRefusedError);
  });

  test("with service roles the refusal cannot happen: the client resends after the 500 without looking", async () => {
    const ops = await operations(
      [{ ...refused, reply: ["attachment-delete-refused.500", { status: 200, body: { attachments: [] } }] }],
      { serviceRoles: ["service"] },
    );
    await expect(ops.delete(MINE)).resolves.toBeUndefined();
    expect(sent().filter((line) => !line.startsWith("GET /v3/volumes"))).toEqual([
      `DELETE /v3/attachments/${MINE}`,
      `DELETE /v3/attachments/${MINE}`,
    ]);
  });
});

describe("settings", () => {
  test("defaults: 5 min waits, 3 s settle, 3 create attempts; bad values are refused by name", () => {
    expect(reliabilityOptions()).toEqual(DEFAULT_RELIABILITY);
    expect(DEFAULT_RELIABILITY).toEqual({
      waitTimeoutMs: 300_000,
      createSettleMs: 3_000,
      createAttempts: 3,
      pollIntervalMs: 250,
    });
    expect(reliabilityOptions({ waitTimeoutMs: 10 })).toMatchObject({ waitTimeoutMs: 10, createAttempts: 3 });
    expect(() => reliabilityOptions({ createAttempts: 0 })).toThrow(/createAttempts/);
    expect(() => reliabilityOptions({ waitTimeoutMs: -1 })).toThrow(/waitTimeoutMs/);
  });
});
