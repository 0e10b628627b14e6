import { noAuthSession } from "../../provider/src/auth/noauth";
import type { AuthSession } from "../../provider/src/auth/session";
import { CinderClient } from "../../provider/src/cinder/client";
import {
  CinderBadRequestError,
  CinderConnectionError,
  CinderFeatureUnavailableError,
  CinderNotFoundError,
  CinderResponseShapeError,
  CinderServerError,
} from "../../provider/src/cinder/errors";
import {
  completeAttachment,
  createAttachment,
  deleteAttachment,
  getAttachment,
  listAttachments,
  updateAttachment,
} from "../../provider/src/cinder/attachments";
import { microversion } from "../../provider/src/cinder/microversion";
import { FakeCinderPerTest, type Route } from "../support/fakeCinder";
import { RECORDING_CONNECTOR, loadFixture } from "../support/fixtures";

const ID = "00000000-0000-4000-8000-000000000003";
const VOLUME = "00000000-0000-4000-8000-000000000001";
const INSTANCE = "00000000-0000-4000-8000-000000000002";
const CONNECTOR = RECORDING_CONNECTOR;
const auth = noAuthSession({ userId: "admin", projectId: "admin" });

const fakes = new FakeCinderPerTest();

async function connect(routes: Route[], options: { max?: string; session?: AuthSession } = {}): Promise<CinderClient> {
  const fake = await fakes.start(routes);
  return CinderClient.connect({
    endpoint: fake.endpoint,
    auth: options.session ?? auth,
    maxMicroversion: options.max ? microversion(options.max) : undefined,
  });
}

/** The one API request the fake received. */
function only() {
  const requests = fakes.apiRequests();
  expect(requests).toHaveLength(1);
  return requests[0] as (typeof requests)[number];
}

describe("version discovery", () => {
  test("connecting sends nothing: reads, updates and deletes need no discovery", async () => {
    const client = await connect([{ method: "GET", path: `/v3/attachments/${ID}`, reply: "attachment-show.200" }]);
    expect(fakes.current?.requests).toEqual([]);
    await getAttachment(client, ID);
    expect(fakes.current?.requests.map((r) => `${r.method} ${r.url}`)).toEqual([`GET /v3/attachments/${ID}`]);
  });

  test("takes the v3 maximum from the API root's version document, once per client", async () => {
    const client = await connect([]);
    expect(await client.negotiated()).toEqual({ major: 3, minor: 70 });
    expect(await client.supports(microversion("3.54"))).toBe(true);
    expect(fakes.current?.requests.map((r) => `${r.method} ${r.url}`)).toEqual(["GET /"]);
    expect(client.stats.requests).toBe(1);
  });

  test("a configured cap lowers the negotiated microversion, and decides what it excludes without asking", async () => {
    const client = await connect([], { max: "3.44" });
    expect(await client.supports(microversion("3.54"))).toBe(false);
    expect(fakes.current?.requests).toEqual([]);
    expect(await client.negotiated()).toEqual({ major: 3, minor: 44 });
  });

  test("a cap below 3.27 is refused too: the attachments API would be unusable", async () => {
    await expect(connect([], { max: "3.20" })).rejects.toThrow(
      /attachments API \(attach\/detach V2\) needs volume API microversion 3.27, but only 3.20 is available/,
    );
  });

  test("refuses a server older than 3.27 once a gate asks, naming what is missing", async () => {
    const old = {
      status: 300,
      body: { versions: [{ id: "v3.0", status: "CURRENT", version: "3.20", min_version: "3.0" }] },
    };
    const client = await connect([{ method: "GET", path: "/", reply: old }]);
    await expect(client.require("Attach mode (mode)", microversion("3.54"))).rejects.toThrow(
      /attachments API \(attach\/detach V2\) needs volume API microversion 3.27, but only 3.20 is available/,
    );
  });

  test("a refused version document names its URL as it is (no slash before the scheme)", async () => {
    const client = await connect([{ method: "GET", path: "/", reply: { status: 503, body: "" } }]);
    await expect(client.negotiated()).rejects.toThrow(
      /^Cinder GET http:\/\/127\.0\.0\.1:\d+\/: expected 200\|300, got 503/,
    );
  });

  test("a request the server refuses at its microversion (406) names the operation, the version and the server's maximum", async () => {
    const refusal = {
      status: 406,
      body: {
        computeFault: {
          code: 406,
          message: "Version 3.27 is not supported by the API. Minimum is 3.0 and maximum is 3.20.",
        },
      },
    };
    const client = await connect([{ method: "GET", path: `/v3/attachments/${ID}`, reply: refusal }]);
    const failure = getAttachment(client, ID);
    await expect(failure).rejects.toBeInstanceOf(CinderFeatureUnavailableError);
    await expect(failure).rejects.toThrow(
      /Cinder's get attachment needs volume API microversion 3.27, but only 3.20 is available/,
    );
  });
});

describe("requests match what Cinder was recorded to accept", () => {
  test.each([
    [
      "attachment-create-reserve.200",
      () => (c: CinderClient) => createAttachment(c, { volumeId: VOLUME, instanceUuid: INSTANCE }),
    ],
    ["attachment-update.200", () => (c: CinderClient) => updateAttachment(c, ID, CONNECTOR)],
    ["attachment-complete.204", () => (c: CinderClient) => completeAttachment(c, ID)],
    ["attachment-delete.200", () => (c: CinderClient) => deleteAttachment(c, ID)],
  ])("%s: method, path, microversion header, token and JSON body", async (name, make) => {
    const fixture = loadFixture(name);
    const client = await connect([{ method: fixture.request.method, path: fixture.request.path, reply: name }]);
    await make()(client);
    const request = only();
    expect(request.method).toBe(fixture.request.method);
    expect(request.url).toBe(fixture.request.path);
    expect(request.headers["openstack-api-version"]).toBe(fixture.request.microversion);
    expect(request.headers["x-auth-token"]).toBe("admin:admin");
    expect(request.body).toEqual(fixture.request.body);
  });

  test("a full create with mode sends microversion 3.54 and the mode", async () => {
    const fixture = loadFixture("attachment-create-connector-ro.200");
    const volumeId = (fixture.request.body as { attachment: { volume_uuid: string } }).attachment.volume_uuid;
    const client = await connect([
      { method: "POST", path: "/v3/attachments", reply: "attachment-create-connector-ro.200" },
    ]);
    const attachment = await createAttachment(client, { volumeId, connector: CONNECTOR, mode: "ro" });
    const request = only();
    expect(request.headers["openstack-api-version"]).toBe("volume 3.54");
    expect(request.body).toEqual(fixture.request.body);
    expect(attachment.attachMode).toBe("ro");
  });

  test("show maps the wire shape to the domain type; '' dates and the string \"null\" mode become absent", async () => {
    const client = await connect([{ method: "GET", path: `/v3/attachments/${ID}`, reply: "attachment-show.200" }]);
    const attachment = await getAttachment(client, ID);
    expect(attachment).toMatchObject({ id: ID, status: "attached", volumeId: VOLUME, instanceUuid: INSTANCE });
    expect(attachment.attachedAt).toMatch(/^\d{4}-\d{2}-\d{2}T/);
    expect(attachment.detachedAt).toBeUndefined();
    expect(attachment.connectionInfo).toMatchObject({
      driver_volume_type: "iscsi",
      auth_method: "CHAP",
      target_lun: 0,
    });
  });

  test("list sends its filters as Cinder names them (the status as attach_status: a status filter matches nothing)", async () => {
    const client = await connect([{ method: "GET", path: "/v3/attachments/detail", reply: "attachment-list.200" }]);
    const attachments = await listAttachments(client, { volumeId: VOLUME, instanceId: INSTANCE, status: "attached" });
    expect(only().url).toBe(
      `/v3/attachments/detail?volume_id=${VOLUME}&instance_id=${INSTANCE}&attach_status=attached`,
    );
    expect(attachments.length).toBeGreaterThan(0);
  });
});

describe("errors", () => {
  test("a 400 becomes CinderBadRequestError with method, path, status, fault and request id", async () => {
    const client = await connect([
      { method: "POST", path: "/v3/attachments", reply: "attachment-create-volume-in-use.400" },
    ]);
    const failure = createAttachment(client, { volumeId: VOLUME, connector: CONNECTOR });
    await expect(failure).rejects.toBeInstanceOf(CinderBadRequestError);
    await expect(failure).rejects.toMatchObject({
      method: "POST",
      path: "attachments",
      status: 400,
      faultName: "badRequest",
      requestId: "req-00000000-0000-4000-8000-000000000000",
    });
    await expect(failure).rejects.toThrow(
      /^Cinder POST \/attachments: expected 200\|202, got 400 \(req-[0-9a-f-]+\): Invalid volume: .* status must be available/,
    );
  });

  test("404 and 500 map to their classes; no message carries the token", async () => {
    const client = await connect([
      { method: "GET", path: `/v3/attachments/${ID}`, reply: "attachment-show.404" },
      { method: "DELETE", path: `/v3/attachments/${ID}`, reply: "attachment-delete-refused.500" },
    ]);
    const notFound = await getAttachment(client, ID).catch((e: unknown) => e);
    const refused = await deleteAttachment(client, ID).catch((e: unknown) => e);
    expect(notFound).toBeInstanceOf(CinderNotFoundError);
    expect(refused).toBeInstanceOf(CinderServerError);
    for (const err of [notFound, refused]) {
      expect(JSON.stringify(err)).not.toContain("admin:admin");
      expect(String(err)).not.toContain("admin:admin");
    }
  });

  test("a success whose body lacks required fields is a CinderResponseShapeError naming the field", async () => {
    const client = await connect([
      { method: "GET", path: `/v3/attachments/${ID}`, reply: { status: 200, body: { attachment: { id: ID } } } },
    ]);
    const failure = getAttachment(client, ID);
    await expect(failure).rejects.toBeInstanceOf(CinderResponseShapeError);
    await expect(failure).rejects.toThrow(/get attachment.*attachment\.status/);
  });

  test("a feature above the cap fails before any request is sent", async () => {
    const client = await connect([], { max: "3.27" });
    await expect(completeAttachment(client, ID)).rejects.toBeInstanceOf(CinderFeatureUnavailableError);
    await expect(createAttachment(client, { volumeId: VOLUME, connector: CONNECTOR, mode: "ro" })).rejects.toThrow(
      /Attach mode \(mode\) needs volume API microversion 3.54, but only 3.27/,
    );
    expect(fakes.current?.apiRequests()).toEqual([]);
  });

  test("a refused connection is a CinderConnectionError with the system code", async () => {
    const client = await connect([]);
    await fakes.current?.close();
    const failure = getAttachment(client, ID);
    await expect(failure).rejects.toBeInstanceOf(CinderConnectionError);
    await expect(failure).rejects.toMatchObject({ code: "ECONNREFUSED" });
  });
});

describe("authentication", () => {
  test("after a 401 the session renews once and the request is sent again with the fresh headers", async () => {
    let token = "old";
    let renewals = 0;
    const session: AuthSession = {
      headers: () => Promise.resolve({ "X-Auth-Token": token }),
      headersAtHand: () => ({ "X-Auth-Token": token }),
      renew: () => {
        renewals += 1;
        token = "new";
        return Promise.resolve(true);
      },
      actsAsService: false,
    };
    const expired = {
      status: 401,
      body: { unauthorized: { message: "The request you have made requires authentication." } },
    };
    const client = await connect(
      [{ method: "GET", path: `/v3/attachments/${ID}`, reply: [expired, "attachment-show.200"] }],
      { session },
    );
    await expect(getAttachment(client, ID)).resolves.toMatchObject({ id: ID });
    expect(renewals).toBe(1);
    expect(fakes.current?.apiRequests().map((r) => r.headers["x-auth-token"])).toEqual(["old", "new"]);
  });

  test("version discovery asks the session for no credentials: it sends the headers at hand, the first API request waits for a token", async () => {
    let asked = 0;
    const session: AuthSession = {
      headers: () => {
        asked += 1;
        return Promise.resolve({ "X-Auth-Token": "issued" });
      },
      headersAtHand: () => ({}),
      renew: () => Promise.resolve(false),
      actsAsService: false,
    };
    const client = await connect([{ method: "GET", path: `/v3/attachments/${ID}`, reply: "attachment-show.200" }], {
      session,
    });
    expect(asked).toBe(0);
    expect(fakes.current?.requests.find((r) => r.url === "/")?.headers["x-auth-token"]).toBeUndefined();
    await getAttachment(client, ID);
    expect(asked).toBe(1);
    expect(fakes.current?.apiRequests().map((r) => r.headers["x-auth-token"])).toEqual(["issued"]);
  });

  test("a 401 that renewing cannot help is an error, sent once", async () => {
    const expired = {
      status: 401,
      body: { unauthorized: { message: "The request you have made requires authentication." } },
    };
    const client = await connect([{ method: "GET", path: `/v3/attachments/${ID}`, reply: expired }]);
    await expect(getAttachment(client, ID)).rejects.toThrow(/got 401.*requires authentication/);
    expect(fakes.current?.apiRequests()).toHaveLength(1);
  });
});
