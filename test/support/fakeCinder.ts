/**
 * An in-process HTTP server standing in for cinder-api in unit tests, in the manner of gophercloud's
 * testhelper: it answers from recorded fixtures and keeps every request so tests can assert on
 * method, path, headers and body.
 */
import { type IncomingHttpHeaders, type Server, createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { type Fixture, loadFixture } from "./fixtures";
import { type CinderProxy, type Fault, startProxy } from "./proxy";

/** A request the fake received. */
export interface ReceivedRequest {
  method: string;
  /** Path and query, e.g. `/v3/attachments/detail?volume_id=...`. */
  url: string;
  headers: IncomingHttpHeaders;
  body: unknown;
}

/** A fixture's name, or a literal response. */
export type Reply = Fixture["response"] | string;

/** One route: method + exact path (query ignored). A list of replies is answered in turn, the last repeating. */
export interface Route {
  method: string;
  path: string;
  reply: Reply | Reply[];
}

/** A running fake. */
export interface FakeCinder {
  /** The endpoint to give the client: `http://127.0.0.1:<port>/v3`. */
  readonly endpoint: string;
  readonly requests: ReceivedRequest[];
  /** Requests other than version discovery. */
  apiRequests(): ReceivedRequest[];
  close(): Promise<void>;
}

/** Starts the fake; `GET /` answers with the recorded version document unless a route overrides it. */
export async function startFakeCinder(routes: Route[]): Promise<FakeCinder> {
  const all: Route[] = [
    ...routes.map((r) => ({ ...r, reply: Array.isArray(r.reply) ? [...r.reply] : r.reply })),
    { method: "GET", path: "/", reply: "versions.300" },
  ];
  const requests: ReceivedRequest[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      const text = Buffer.concat(chunks).toString("utf8");
      const url = req.url ?? "/";
      requests.push({
        method: req.method ?? "",
        url,
        headers: req.headers,
        body: text ? (JSON.parse(text) as unknown) : undefined,
      });
      const path = url.split("?")[0];
      const route = all.find((r) => r.method === req.method && r.path === path);
      if (!route) {
        res.writeHead(501).end(JSON.stringify({ notImplemented: { message: `no route for ${req.method} ${path}` } }));
        return;
      }
      const replies = Array.isArray(route.reply) ? route.reply : [route.reply];
      const next = replies.length > 1 ? replies.shift() : replies[0];
      const reply = typeof next === "string" ? loadFixture(next).response : (next as Fixture["response"]);
      const headers: Record<string, string> = { "Content-Type": "application/json" };
      if (reply.requestId) headers["x-openstack-request-id"] = reply.requestId;
      res
        .writeHead(reply.status, headers)
        .end(reply.body === undefined || reply.status === 204 ? "" : JSON.stringify(reply.body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}/v3`,
    requests,
    apiRequests: () => requests.filter((r) => r.url !== "/"),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/**
 * The fake Cinders (and proxies in front of them) of one test file, each closed after the test that
 * started it. Create it at the top level of the file: it registers that `afterEach`.
 */
export class FakeCinderPerTest {
  private readonly open: { close(): Promise<void> }[] = [];
  /** The fake the running test started last. */
  current?: FakeCinder;
  /** The proxy the running test started last. */
  proxied?: CinderProxy;

  constructor() {
    afterEach(async () => {
      // A test may have closed one itself (to see a refused connection).
      for (const server of this.open.splice(0).reverse()) await server.close().catch(() => undefined);
      this.current = undefined;
      this.proxied = undefined;
    });
  }

  /** Starts a fake answering `routes` (see {@link startFakeCinder}). */
  async start(routes: Route[]): Promise<FakeCinder> {
    const fake = await startFakeCinder(routes);
    this.open.push(fake);
    this.current = fake;
    return fake;
  }

  /** Starts a loopback proxy in front of the current fake that applies `fault` to each request. */
  async proxy(fault: (method: string, path: string) => Fault): Promise<CinderProxy> {
    if (!this.current) throw new Error("start the fake Cinder before its proxy");
    const proxy = await startProxy(new URL(this.current.endpoint).origin, fault);
    this.open.push(proxy);
    this.proxied = proxy;
    return proxy;
  }

  /** What the current fake received, version discovery left out. */
  apiRequests(): ReceivedRequest[] {
    return this.current?.apiRequests() ?? [];
  }
}
