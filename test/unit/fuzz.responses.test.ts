/**
 * Property-based tests of what Cinder may answer: malformed, truncated, unexpected bodies and
 * statuses produce a typed error (a CinderError subclass) or a well-formed result, never a crash
 * (TypeError, SyntaxError...) and never a wrong state: the provider's create either fails or returns
 * an attachment Cinder actually named.
 */
import { type IncomingMessage, type Server, type ServerResponse, createServer } from "node:http";
import type { AddressInfo } from "node:net";
import fc from "fast-check";
import { noAuthSession } from "../../provider/src/auth/noauth";
import { CinderClient } from "../../provider/src/cinder/client";
import { CinderConnectionError, CinderError, CinderResponseShapeError } from "../../provider/src/cinder/errors";
import {
  createAttachment,
  getAttachment,
  listAttachments,
  updateAttachment,
} from "../../provider/src/cinder/attachments";
import { getVolume } from "../../provider/src/cinder/volumes/requests";
import { resolveSettings } from "../../provider/src/config/settings";
import { AttachmentOperations, type PartialCreateError } from "../../provider/src/volumeAttachment/operations";
import { loadFixture } from "../support/fixtures";
import { CONNECTOR_DEFAULTS } from "../support/connectors";

const RUNS = 150;
const ID = "00000000-0000-4000-8000-0000000000a1";
const VOLUME = "00000000-0000-4000-8000-0000000000b1";
const HOST = { initiator: "iqn.1993-08.org.debian:01:fuzz", ip: "127.0.0.1", host: "fuzz", ...CONNECTOR_DEFAULTS };

/** How the raw server answers one request: status, headers and the exact bytes. */
interface RawReply {
  status: number;
  body: string;
  /** Claim more bytes than sent, then cut the connection. */
  lie?: boolean;
}

let server: Server;
let endpoint: string;
let answer: (req: IncomingMessage) => RawReply = () => ({ status: 404, body: "" });

beforeAll(async () => {
  const versions = JSON.stringify(loadFixture("versions.300").response.body);
  server = createServer((req: IncomingMessage, res: ServerResponse) => {
    req.resume();
    req.on("end", () => {
      if (req.url === "/") {
        res.writeHead(300, { "Content-Type": "application/json" }).end(versions);
        return;
      }
      const reply = answer(req);
      const bytes = Buffer.from(reply.body, "utf8");
      res.writeHead(reply.status, {
        "Content-Type": "application/json",
        "Content-Length": String(reply.lie ? bytes.length + 100 : bytes.length),
      });
      if (reply.lie) {
        res.write(bytes);
        res.socket?.destroy();
      } else {
        res.end(bytes);
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v3`;
});
afterAll(
  () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
);

function connect(): Promise<CinderClient> {
  return CinderClient.connect({
    endpoint,
    auth: noAuthSession({ userId: "admin", projectId: "admin" }),
    retry: { maxAttempts: 2, baseDelayMs: 1, maxDelayMs: 2 },
    // Long enough that a busy machine never turns a slow answer into a connection error.
    timeoutMs: 10_000,
  });
}

/** A well-formed attachment body, as Cinder sends it. */
const attachmentWire = {
  id: ID,
  status: "attaching",
  instance: null,
  volume_id: VOLUME,
  attached_at: "",
  detached_at: "",
  attach_mode: "rw",
  connection_info: { driver_volume_type: "iscsi", target_lun: 0, auth_password: "secret" },
};

/** JSON values with the shapes of a Cinder body broken in one place, or not at all. */
const mangled = fc.oneof(
  fc.jsonValue({ maxDepth: 3 }),
  fc
    .constantFrom("attachment", "attachments", "volume")
    .chain((envelope) => fc.jsonValue({ maxDepth: 2 }).map((inner) => ({ [envelope]: inner }))),
  fc
    .tuple(
      fc.constantFrom(...Object.keys(attachmentWire)),
      fc.option(fc.jsonValue({ maxDepth: 2 }), { nil: undefined }),
    )
    .map(([field, value]) => {
      const broken: Record<string, unknown> = { ...attachmentWire };
      if (value === undefined) delete broken[field];
      else broken[field] = value;
      return { attachment: broken, attachments: [broken] };
    }),
);

/** Every call the provider makes that reads a body. */
const calls: Record<string, (c: CinderClient) => Promise<unknown>> = {
  "get attachment": (c) => getAttachment(c, ID),
  "list attachments": (c) => listAttachments(c, { volumeId: VOLUME }),
  "create attachment": (c) => createAttachment(c, { volumeId: VOLUME, connector: HOST }),
  "update attachment": (c) => updateAttachment(c, ID, HOST),
  "get volume": (c) => getVolume(c, VOLUME),
};
const callName = fc.constantFrom(...Object.keys(calls));

/** A call's outcome: its value, or the error it was rejected with. */
async function outcome(call: () => Promise<unknown>): Promise<{ value?: unknown; error?: unknown }> {
  try {
    return { value: await call() };
  } catch (error) {
    return { error };
  }
}

/** A result the domain types promise: ids and statuses are non-empty strings. */
function wellFormed(value: unknown): boolean {
  const items = Array.isArray(value) ? (value as unknown[]) : [value];
  return items.every((item) => {
    const record = item as Record<string, unknown>;
    return (
      typeof record.id === "string" && record.id !== "" && typeof record.status === "string" && record.status !== ""
    );
  });
}

test("any JSON body with a success status: a well-formed result or a CinderResponseShapeError naming the operation", async () => {
  const client = await connect();
  await fc.assert(
    fc.asyncProperty(callName, mangled, async (name, body) => {
      answer = () => ({ status: 200, body: JSON.stringify(body) });
      const { value, error } = await outcome(() => (calls[name] as (c: CinderClient) => Promise<unknown>)(client));
      if (error === undefined) {
        expect(wellFormed(value)).toBe(true);
      } else {
        expect(error).toBeInstanceOf(CinderResponseShapeError);
        expect((error as CinderResponseShapeError).message).toContain(name);
      }
    }),
    { numRuns: RUNS },
  );
});

test("a truncated body: a CinderResponseShapeError, never a SyntaxError", async () => {
  const client = await connect();
  const full = JSON.stringify({ attachment: attachmentWire });
  await fc.assert(
    fc.asyncProperty(fc.integer({ min: 0, max: full.length - 1 }), async (cut) => {
      answer = () => ({ status: 200, body: full.slice(0, cut) });
      const { error } = await outcome(() => getAttachment(client, ID));
      expect(error).toBeInstanceOf(CinderResponseShapeError);
    }),
    { numRuns: RUNS },
  );
});

test("a body cut off by the connection (Content-Length longer than what came): a typed error", async () => {
  const client = await connect();
  const full = JSON.stringify({ attachment: attachmentWire });
  await fc.assert(
    fc.asyncProperty(fc.integer({ min: 0, max: full.length }), async (cut) => {
      answer = () => ({ status: 200, body: full.slice(0, cut), lie: true });
      const { error } = await outcome(() => getAttachment(client, ID));
      expect(error).toBeInstanceOf(CinderConnectionError);
    }),
    { numRuns: 30 },
  );
});

test("any status with any body (HTML, text, JSON): a typed error unless the status is a success and the body is right", async () => {
  const client = await connect();
  const bodies = fc.oneof(
    fc.string({ maxLength: 200 }),
    fc.jsonValue({ maxDepth: 2 }).map((v) => JSON.stringify(v)),
    fc.constant("<html><body><h1>502 Bad Gateway</h1></body></html>"),
    fc.constant(JSON.stringify({ attachment: attachmentWire })),
  );
  await fc.assert(
    fc.asyncProperty(callName, fc.integer({ min: 200, max: 599 }), bodies, async (name, status, body) => {
      answer = () => ({ status, body });
      const { value, error } = await outcome(() => (calls[name] as (c: CinderClient) => Promise<unknown>)(client));
      if (error === undefined) {
        expect(status).toBeLessThan(300);
        expect(wellFormed(value)).toBe(true);
      } else {
        expect(error).toBeInstanceOf(CinderError);
        expect((error as CinderError).message).not.toContain("admin:admin");
      }
    }),
    { numRuns: RUNS },
  );
});

test("the provider's create under arbitrary answers: it fails with a CinderError, or returns an attachment Cinder named", async () => {
  const settings = resolveSettings(() => undefined, { CINDER_ENDPOINT: endpoint, OS_AUTH_TYPE: "noauth" });
  const replies = fc.oneof(
    fc.record({ status: fc.constantFrom(200, 202, 400, 404, 500, 503), body: mangled.map((b) => JSON.stringify(b)) }),
    fc.constant({ status: 200, body: JSON.stringify({ attachment: attachmentWire, attachments: [attachmentWire] }) }),
    fc.constant({ status: 204, body: "" }),
  );
  const valid = { status: 200, body: JSON.stringify({ attachment: attachmentWire, attachments: [attachmentWire] }) };
  const scripts = fc.oneof(
    fc.array(replies, { minLength: 1, maxLength: 12 }),
    fc.constant([valid, { status: 204, body: "" }]),
    fc.array(replies, { maxLength: 4 }).map((prefix) => [...prefix, valid, { status: 204, body: "" }]),
  );
  const seen = { succeeded: 0, failed: 0 };
  await fc.assert(
    fc.asyncProperty(scripts, async (script) => {
      const queue = [...script];
      const named = new Set<string>();
      answer = () => {
        const reply = queue.length > 1 ? (queue.shift() as RawReply) : (queue[0] as RawReply);
        for (const match of reply.body.matchAll(/"id":"([^"]+)"/g)) named.add(match[1] as string);
        return reply;
      };
      const ops = new AttachmentOperations({
        connection: () => settings,
        reliability: () => ({ waitTimeoutMs: 300, createSettleMs: 0, pollIntervalMs: 1, createAttempts: 2 }),
        connect,
      });
      const { value, error } = await outcome(() => ops.create({ volumeId: VOLUME, connector: HOST, complete: true }));
      seen[error === undefined ? "succeeded" : "failed"] += 1;
      if (error === undefined) {
        const { id, outs } = value as { id: string; outs: { attachmentId: string; status: string } };
        expect(named.has(id)).toBe(true);
        expect(outs.attachmentId).toBe(id);
        expect(outs.status).toEqual(expect.any(String));
      } else if (!(error instanceof CinderError)) {
        // The one other error: a partial create, which carries an attachment Cinder named for the state.
        const partial = error as Partial<PartialCreateError>;
        expect(partial).toBeInstanceOf(Error);
        expect(named.has(partial.id ?? "")).toBe(true);
        expect(partial.properties?.attachmentId).toBe(partial.id);
      }
    }),
    { numRuns: 60 },
  );
  expect(seen.succeeded).toBeGreaterThan(0);
  expect(seen.failed).toBeGreaterThan(0);
});
