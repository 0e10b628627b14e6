/**
 * A loopback HTTP proxy in front of cinder-api that sees every exchange: to count requests, to
 * record real responses as fixtures, and (with a `fault` hook) to inject failures.
 */
import { type IncomingHttpHeaders, type Server, createServer, request as httpRequest } from "node:http";
import type { AddressInfo } from "node:net";

/** One request and its answer, as the proxy saw them. */
export interface Exchange {
  method: string;
  path: string;
  requestHeaders: IncomingHttpHeaders;
  requestBody: string;
  status: number;
  responseHeaders: IncomingHttpHeaders;
  responseBody: string;
}

/** What to do with one request instead of forwarding it as it is. */
export type Fault =
  | { kind: "forward" }
  | { kind: "respond"; status: number; body?: string }
  | { kind: "reset" }
  | { kind: "delay"; ms: number }
  /** Forward, let Cinder act, then drop the connection before the answer reaches the client. */
  | { kind: "drop-response" };

/** A running proxy. */
export interface CinderProxy {
  /** The proxied origin, e.g. `http://127.0.0.1:41234`; append `/v3` for an endpoint. */
  readonly url: string;
  readonly exchanges: Exchange[];
  close(): Promise<void>;
}

/** Starts a proxy on 127.0.0.1 (random port) forwarding to `target` (an origin such as `http://127.0.0.1:18776`). */
export async function startProxy(
  target: string,
  fault: (method: string, path: string) => Fault = () => ({ kind: "forward" }),
): Promise<CinderProxy> {
  const upstream = new URL(target);
  const exchanges: Exchange[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      const method = req.method ?? "GET";
      const path = req.url ?? "/";
      const requestBody = Buffer.concat(chunks).toString("utf8");
      const action = fault(method, path);
      if (action.kind === "reset") {
        req.socket.destroy();
        return;
      }
      if (action.kind === "respond") {
        res.writeHead(action.status, { "Content-Type": "application/json" }).end(action.body ?? "");
        return;
      }
      const forward = () => {
        const out = httpRequest(
          {
            host: upstream.hostname,
            port: upstream.port,
            method,
            path,
            headers: { ...req.headers, host: upstream.host },
          },
          (answer) => {
            const body: Buffer[] = [];
            answer.on("data", (chunk: Buffer) => body.push(chunk));
            answer.on("end", () => {
              const responseBody = Buffer.concat(body).toString("utf8");
              exchanges.push({
                method,
                path,
                requestHeaders: req.headers,
                requestBody,
                status: answer.statusCode ?? 0,
                responseHeaders: answer.headers,
                responseBody,
              });
              if (action.kind === "drop-response") {
                req.socket.destroy();
                return;
              }
              res.writeHead(answer.statusCode ?? 502, answer.headers).end(responseBody);
            });
          },
        );
        out.on("error", () => req.socket.destroy());
        out.end(requestBody);
      };
      if (action.kind === "delay") setTimeout(forward, action.ms);
      else forward();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    exchanges,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
