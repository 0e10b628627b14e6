/**
 * A loopback server that answers each kind of request (method + path with ids as `{id}`) with an
 * answer the real Cinder gave during the counting pass, at once. Against it, a client's time per
 * operation is its own cost (HTTP stack, validation, mapping) without Cinder's, which on a busy
 * machine is far noisier than the difference being measured.
 */
import { type Server, createServer } from "node:http";
import type { AddressInfo } from "node:net";
import type { Exchange } from "../test/support/proxy";

/** A recorded answer. */
export interface RecordedAnswer {
  readonly status: number;
  readonly contentType?: string;
  readonly body: string;
}

const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g;

/**
 * The kind of a request: `POST /v3/attachments`, `GET /v3/attachments/{id}`, ...; a create with a
 * connector is told from a reservation (their answers differ).
 */
export function requestKind(method: string, path: string, body: string): string {
  const kind = `${method} ${path.replace(UUID, "{id}").replace(/\?.*$/, "")}`;
  if (kind !== "POST /v3/attachments") return kind;
  try {
    const connector = (JSON.parse(body) as { attachment?: { connector?: unknown } }).attachment?.connector;
    return connector && typeof connector === "object" && Object.keys(connector).length > 0 ? `${kind} (connect)` : kind;
  } catch {
    return kind;
  }
}

/** Keeps the first successful answer of each kind. */
export function recordAnswers(exchanges: readonly Exchange[], into: Map<string, RecordedAnswer>): void {
  for (const exchange of exchanges) {
    const kind = requestKind(exchange.method, exchange.path, exchange.requestBody);
    if (into.has(kind) || exchange.status >= 400) continue;
    const contentType = exchange.responseHeaders["content-type"];
    into.set(kind, {
      status: exchange.status,
      contentType: typeof contentType === "string" ? contentType : undefined,
      body: exchange.responseBody,
    });
  }
}

/** A running replay server. */
export interface ReplayServer {
  /** `http://127.0.0.1:<port>/v3` */
  readonly endpoint: string;
  /** Requests it could not answer (no recording of their kind). */
  readonly unknown: string[];
  close(): Promise<void>;
}

/** Starts the server on 127.0.0.1 with the recorded answers. */
export async function startReplay(answers: ReadonlyMap<string, RecordedAnswer>): Promise<ReplayServer> {
  const unknown: string[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      const kind = requestKind(req.method ?? "GET", req.url ?? "/", Buffer.concat(chunks).toString("utf8"));
      const answer = answers.get(kind);
      if (!answer) {
        unknown.push(kind);
        res.writeHead(501, { "Content-Type": "application/json" }).end("{}");
        return;
      }
      const headers: Record<string, string> = {};
      if (answer.contentType) headers["Content-Type"] = answer.contentType;
      res.writeHead(answer.status, headers).end(answer.body);
    });
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}/v3`,
    unknown,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
