/**
 * A loopback HTTP proxy in front of cinder-api that sees every exchange: to count requests, to
 * record real responses as fixtures, and (with a `fault` hook) to inject failures.
 */
import {
  type IncomingHttpHeaders,
  type IncomingMessage,
  type Server,
  type ServerResponse,
  createServer,
  request as httpRequest,
} from "node:http";
import { createServer as createHttpsServer } from "node:https";
import type { AddressInfo } from "node:net";
import { type TLSSocket } from "node:tls";

/** One request and its answer, as the proxy saw them. */
export interface Exchange {
  method: string;
  path: string;
  requestHeaders: IncomingHttpHeaders;
  requestBody: string;
  status: number;
  responseHeaders: IncomingHttpHeaders;
  responseBody: string;
  /** Over TLS: the common name of the client certificate the proxy verified, if the client sent one. */
  clientCertificate?: string;
}

/** TLS of the proxy's own listener (PEM contents); with it the proxy speaks HTTPS to its clients. */
export interface ProxyTls {
  readonly key: string | Buffer;
  readonly cert: string | Buffer;
  /** CA that client certificates must chain to. */
  readonly ca?: string | Buffer;
  /** Refuse clients without a valid certificate (mutual TLS). */
  readonly requireClientCertificate?: boolean;
}

/** What to do with one request instead of forwarding it as it is. */
export type Fault =
  | { kind: "forward" }
  /** Answer without asking Cinder (Cinder never sees the request). */
  | { kind: "respond"; status: number; body?: string; headers?: Record<string, string> }
  /** Drop the connection without asking Cinder. */
  | { kind: "reset" }
  /** Swallow the request: never ask Cinder, never answer (the client times out). */
  | { kind: "drop" }
  /** Wait, then forward (a slow network before Cinder). */
  | { kind: "delay"; ms: number }
  /** Forward, let Cinder act, then drop the connection before the answer reaches the client. */
  | { kind: "drop-response" }
  /** Forward, let Cinder act, then hold its answer back for `ms` (a slow answer: the client may time out). */
  | { kind: "delay-response"; ms: number }
  /** Forward, let Cinder act, then answer `status` instead of Cinder's answer (a gateway failing after the fact). */
  | { kind: "replace-response"; status: number; body?: string };

/** A running proxy. */
export interface CinderProxy {
  /** The proxied origin, e.g. `http://127.0.0.1:41234`; append `/v3` for an endpoint. */
  readonly url: string;
  readonly exchanges: Exchange[];
  /** Resolves once no request is on its way to Cinder (delayed forwards included). */
  idle(): Promise<void>;
  close(): Promise<void>;
}

/** Starts a proxy on 127.0.0.1 (random port) forwarding to `target` (an origin such as `http://127.0.0.1:18776`). */
export async function startProxy(
  target: string,
  fault: (method: string, path: string) => Fault = () => ({ kind: "forward" }),
  options: { tls?: ProxyTls } = {},
): Promise<CinderProxy> {
  const upstream = new URL(target);
  const exchanges: Exchange[] = [];
  let inFlight = 0;
  let waiters: (() => void)[] = [];
  const settle = () => {
    inFlight -= 1;
    if (inFlight === 0) {
      for (const wake of waiters) wake();
      waiters = [];
    }
  };
  const handler = (req: IncomingMessage, res: ServerResponse) => {
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
      if (action.kind === "drop") return;
      if (action.kind === "respond") {
        res.writeHead(action.status, { "Content-Type": "application/json", ...action.headers }).end(action.body ?? "");
        return;
      }
      inFlight += 1;
      const forward = () => {
        const out = httpRequest(
          {
            host: upstream.hostname,
            port: upstream.port,
            method,
            path,
            headers: { ...req.headers, host: upstream.host },
            // A fresh upstream connection per exchange: Keystone behind uwsgi closes each one after answering.
            agent: false,
          },
          (answer) => {
            const body: Buffer[] = [];
            answer.on("data", (chunk: Buffer) => body.push(chunk));
            answer.on("end", () => {
              settle();
              const responseBody = Buffer.concat(body).toString("utf8");
              exchanges.push({
                method,
                path,
                requestHeaders: req.headers,
                requestBody,
                status: answer.statusCode ?? 0,
                responseHeaders: answer.headers,
                responseBody,
                clientCertificate: verifiedClient(req),
              });
              if (action.kind === "drop-response") {
                req.socket.destroy();
                return;
              }
              if (action.kind === "replace-response") {
                res.writeHead(action.status, { "Content-Type": "application/json" }).end(action.body ?? "");
                return;
              }
              const reply = () => {
                if (!res.destroyed) res.writeHead(answer.statusCode ?? 502, answer.headers).end(responseBody);
              };
              // unref: an answer held longer than the test runs must not keep the test process alive.
              if (action.kind === "delay-response") setTimeout(reply, action.ms).unref();
              else reply();
            });
          },
        );
        out.on("error", () => {
          settle();
          req.socket.destroy();
        });
        out.end(requestBody);
      };
      if (action.kind === "delay") setTimeout(forward, action.ms);
      else forward();
    });
  };
  const { tls } = options;
  const server: Server = tls
    ? createHttpsServer(
        {
          key: tls.key,
          cert: tls.cert,
          ca: tls.ca,
          requestCert: tls.ca !== undefined,
          rejectUnauthorized: tls.requireClientCertificate ?? false,
        },
        handler,
      )
    : createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `${tls ? "https" : "http"}://127.0.0.1:${port}`,
    exchanges,
    idle: () => (inFlight === 0 ? Promise.resolve() : new Promise<void>((resolve) => waiters.push(resolve))),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** The common name of the client certificate verified on a TLS request; undefined otherwise. */
function verifiedClient(req: IncomingMessage): string | undefined {
  const socket = req.socket as Partial<TLSSocket>;
  if (!socket.authorized || !socket.getPeerCertificate) return undefined;
  const cn = socket.getPeerCertificate().subject?.CN;
  return Array.isArray(cn) ? cn.join(",") : cn;
}
