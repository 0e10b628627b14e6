/**
 * Records the fixtures unit tests replay, from the real local Cinder, through a loopback proxy.
 * Every run checks that each real answer parses with the client's schemas; with RECORD=1 the
 * scrubbed exchanges are also written to test/fixtures/cinder/.
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import type { z } from "zod";
import { noAuthSession } from "../../provider/src/auth/noauth";
import { CinderClient } from "../../provider/src/cinder/client";
import {
  attachmentEnvelopeSchema,
  attachmentListSchema,
  completeAttachment,
  createAttachment,
  deleteAttachment,
  getAttachment,
  listAttachments,
  updateAttachment,
} from "../../provider/src/cinder/attachments";
import { listVolumesByName } from "../../provider/src/cinder/volumes/requests";
import { volumeListSchema } from "../../provider/src/cinder/volumes/schemas";
import { type CinderProxy, type Exchange, startProxy } from "../support/proxy";
import { FIXTURE_DIR, type Fixture, RECORDING_CONNECTOR, Scrubber } from "../support/fixtures";
import { TestVolumes, adminClient, stackEnv } from "../support/stack";

const INSTANCE = "5b3a8c4e-1f2d-4e6a-9b7c-0d1e2f3a4b5c";
const CONNECTOR = RECORDING_CONNECTOR;

let proxy: CinderProxy;
let client: CinderClient;
let plainClient: CinderClient;
const volumes = new TestVolumes("record");
const scrubber = new Scrubber();

beforeAll(async () => {
  const origin = new URL(stackEnv().CINDER_ENDPOINT as string).origin;
  proxy = await startProxy(origin);
  client = await CinderClient.connect({
    endpoint: `${proxy.url}/v3`,
    auth: noAuthSession({ userId: "admin", projectId: "admin", serviceRoles: ["service"] }),
  });
  plainClient = await CinderClient.connect({
    endpoint: `${proxy.url}/v3`,
    auth: noAuthSession({ userId: "admin", projectId: "admin" }),
  });
});

afterAll(async () => {
  await volumes.cleanup(await adminClient());
  await proxy.close();
});

function last(method: string, pattern: RegExp): Exchange {
  const found = proxy.exchanges.filter((e) => e.method === method && pattern.test(e.path)).at(-1);
  if (!found) throw new Error(`no ${method} ${pattern} exchange was recorded`);
  return found;
}

/** Checks the real answer against `schema` and, with RECORD=1, writes it as fixture `name`. */
function keep(name: string, exchange: Exchange, schema?: z.ZodType): void {
  const body: unknown = exchange.responseBody ? JSON.parse(exchange.responseBody) : undefined;
  if (schema && exchange.status < 300) {
    expect(schema.safeParse(body).success).toBe(true);
  }
  if (process.env.RECORD !== "1") return;
  const requestId = exchange.responseHeaders["x-openstack-request-id"];
  const fixture: Fixture = {
    request: {
      method: exchange.method,
      path: exchange.path,
      microversion: exchange.requestHeaders["openstack-api-version"] as string | undefined,
      body: exchange.requestBody ? (JSON.parse(exchange.requestBody) as unknown) : undefined,
    },
    response: { status: exchange.status, requestId: typeof requestId === "string" ? requestId : undefined, body },
  };
  writeFileSync(join(FIXTURE_DIR, `${name}.json`), `${scrubber.scrub(JSON.stringify(fixture, null, 2))}\n`);
}

test("real answers of every attachment operation parse with the client's schemas (RECORD=1 writes them)", async () => {
  const volume = await volumes.create(client);
  await client.negotiated();
  keep("versions.300", last("GET", /^\/$/));

  await listVolumesByName(client, volume.name as string);
  keep("volume-list-by-name.200", last("GET", /^\/v3\/volumes\/detail/), volumeListSchema());

  const reserved = await createAttachment(client, { volumeId: volume.id, instanceUuid: INSTANCE });
  keep("attachment-create-reserve.200", last("POST", /^\/v3\/attachments$/), attachmentEnvelopeSchema());

  await updateAttachment(client, reserved.id, CONNECTOR);
  keep("attachment-update.200", last("PUT", /^\/v3\/attachments\//), attachmentEnvelopeSchema());

  await completeAttachment(client, reserved.id);
  keep("attachment-complete.204", last("POST", /\/action$/));

  await getAttachment(client, reserved.id);
  keep("attachment-show.200", last("GET", /^\/v3\/attachments\/[0-9a-f-]{36}$/), attachmentEnvelopeSchema());

  await listAttachments(client, { volumeId: volume.id });
  keep("attachment-list.200", last("GET", /^\/v3\/attachments\/detail/), attachmentListSchema());

  const other = await volumes.create(client);
  await expect(createAttachment(client, { volumeId: volume.id, connector: CONNECTOR })).rejects.toThrow(/400/);
  keep("attachment-create-volume-in-use.400", last("POST", /^\/v3\/attachments$/));

  await expect(deleteAttachment(plainClient, reserved.id)).rejects.toThrow(/500/);
  keep("attachment-delete-refused.500", last("DELETE", /^\/v3\/attachments\//));

  await deleteAttachment(client, reserved.id);
  keep("attachment-delete.200", last("DELETE", /^\/v3\/attachments\//));

  await expect(getAttachment(client, reserved.id)).rejects.toThrow(/404/);
  keep("attachment-show.404", last("GET", /^\/v3\/attachments\/[0-9a-f-]{36}$/));

  await createAttachment(client, { volumeId: other.id, connector: CONNECTOR, mode: "ro" });
  keep("attachment-create-connector-ro.200", last("POST", /^\/v3\/attachments$/), attachmentEnvelopeSchema());
}, 120_000);
