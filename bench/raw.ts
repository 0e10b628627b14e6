/**
 * The floor: one hand-written HTTP request per operation with node:http on a keep-alive agent, no
 * client library, no validation. What the provider is measured against.
 */
import { Agent, request } from "node:http";

/** A connector as the wire carries it (os-brick's names). */
export interface WireConnector {
  readonly initiator: string;
  readonly ip: string;
  readonly host: string;
  readonly platform: string;
  readonly os_type: string;
  readonly multipath: boolean;
}

/** An answer: status and parsed JSON body (undefined when empty). */
export interface RawAnswer {
  readonly status: number;
  readonly body: unknown;
}

/** Minimal Cinder v3 attachments client over node:http (http endpoints only: the local stack). */
export class RawCinder {
  private readonly agent = new Agent({ keepAlive: true });
  private readonly base: URL;

  constructor(
    endpoint: string,
    private readonly token: string,
  ) {
    this.base = new URL(`${endpoint.replace(/\/+$/, "")}/`);
    if (this.base.protocol !== "http:") throw new Error(`raw client: http endpoints only, got ${endpoint}`);
  }

  /** One request; rejects on a status outside `ok`. */
  send(method: string, path: string, microversion: string, ok: readonly number[], body?: unknown): Promise<RawAnswer> {
    const url = new URL(path, this.base);
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const headers: Record<string, string> = {
      Accept: "application/json",
      "X-Auth-Token": this.token,
      "OpenStack-API-Version": `volume ${microversion}`,
    };
    if (payload !== undefined) {
      headers["Content-Type"] = "application/json";
      headers["Content-Length"] = String(Buffer.byteLength(payload));
    }
    return new Promise((resolve, reject) => {
      const req = request(url, { method, headers, agent: this.agent }, (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (chunk: Buffer) => chunks.push(chunk));
        res.on("end", () => {
          const text = Buffer.concat(chunks).toString("utf8");
          const status = res.statusCode ?? 0;
          if (!ok.includes(status)) {
            reject(new Error(`raw ${method} ${url.pathname} answered ${status}: ${text.slice(0, 300)}`));
            return;
          }
          resolve({ status, body: text ? (JSON.parse(text) as unknown) : undefined });
        });
        res.on("error", reject);
      });
      req.on("error", reject);
      req.end(payload);
    });
  }

  /** attachment-create without a connector: reserves the volume for the instance. */
  async reserve(volumeId: string, instanceUuid: string): Promise<string> {
    const answer = await this.send("POST", "attachments", "3.27", [200, 202], {
      attachment: { volume_uuid: volumeId, instance_uuid: instanceUuid },
    });
    return attachmentId(answer.body);
  }

  /** attachment-create with a connector: reserves and connects. */
  async create(volumeId: string, connector: WireConnector): Promise<string> {
    const answer = await this.send("POST", "attachments", "3.27", [200, 202], {
      attachment: { volume_uuid: volumeId, connector },
    });
    return attachmentId(answer.body);
  }

  /** attachment-update with a (new) connector. */
  async update(id: string, connector: WireConnector): Promise<void> {
    await this.send("PUT", `attachments/${id}`, "3.27", [200], { attachment: { connector } });
  }

  /** os-complete (3.44). */
  async complete(id: string): Promise<void> {
    await this.send("POST", `attachments/${id}/action`, "3.44", [204], { "os-complete": {} });
  }

  /** attachment-show. */
  async read(id: string): Promise<void> {
    await this.send("GET", `attachments/${id}`, "3.27", [200]);
  }

  /** attachment-delete. */
  async delete(id: string): Promise<void> {
    await this.send("DELETE", `attachments/${id}`, "3.27", [200, 202, 204]);
  }

  close(): void {
    this.agent.destroy();
  }
}

function attachmentId(body: unknown): string {
  const id = (body as { attachment?: { id?: unknown } } | undefined)?.attachment?.id;
  if (typeof id !== "string") throw new Error("raw: the create answer has no attachment.id");
  return id;
}
