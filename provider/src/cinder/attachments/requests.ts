/**
 * The attachments API (attach/detach V2), one function per operation. Each names its minimum
 * microversion and the statuses it accepts. Requires Cinder 3.27 at a minimum.
 */
import type { CinderClient } from "../client";
import { ATTACHMENTS_API, ATTACHMENT_COMPLETE, ATTACHMENT_MODE } from "../microversion";
import { allPages } from "../paging";
import { attachmentActionURL, attachmentURL, attachmentsDetailURL, attachmentsURL } from "./urls";
import { type Connector, toWireConnector } from "./connector";
import { type Attachment, attachmentEnvelopeSchema, attachmentListSchema } from "./schemas";

/** Options of {@link createAttachment}. */
export interface CreateAttachmentOpts {
  readonly volumeId: string;
  /** The instance to reserve for; required by Cinder when no connector is given. */
  readonly instanceUuid?: string;
  /** With a connector Cinder connects at once and returns connection info; without, it reserves. */
  readonly connector?: Connector;
  /** `rw` or `ro`. Needs microversion 3.54. */
  readonly mode?: "rw" | "ro";
}

/**
 * attachment-create (3.27; `mode` 3.54): reserves the volume, or connects it when a connector is given.
 * The response's status can lag behind (Cinder builds it before the connection is made).
 */
export async function createAttachment(client: CinderClient, opts: CreateAttachmentOpts): Promise<Attachment> {
  if (opts.mode) {
    client.requireWithinCap("Attach mode (mode)", ATTACHMENT_MODE);
  }
  const attachment: Record<string, unknown> = { volume_uuid: opts.volumeId };
  if (opts.instanceUuid) {
    attachment.instance_uuid = opts.instanceUuid;
  }
  if (opts.connector) {
    attachment.connector = toWireConnector(opts.connector);
  }
  if (opts.mode) {
    attachment.mode = opts.mode;
  }
  return client.send({
    operation: "create attachment",
    method: "POST",
    path: attachmentsURL(),
    microversion: opts.mode ? ATTACHMENT_MODE : ATTACHMENTS_API,
    okStatuses: [200, 202],
    body: { attachment },
    schema: attachmentEnvelopeSchema(),
  });
}

/** attachment-show (3.27). */
export async function getAttachment(client: CinderClient, id: string): Promise<Attachment> {
  return client.send({
    operation: "get attachment",
    method: "GET",
    path: attachmentURL(id),
    microversion: ATTACHMENTS_API,
    okStatuses: [200],
    schema: attachmentEnvelopeSchema(),
  });
}

/** Filters of {@link listAttachments}. */
export interface ListAttachmentsOpts {
  readonly volumeId?: string;
  readonly instanceId?: string;
  readonly status?: string;
}

/** attachment-list, detailed (3.27), filtered by volume, instance or status; every page. */
export async function listAttachments(client: CinderClient, opts: ListAttachmentsOpts = {}): Promise<Attachment[]> {
  const query: Record<string, string> = {};
  if (opts.volumeId) query.volume_id = opts.volumeId;
  if (opts.instanceId) query.instance_id = opts.instanceId;
  // The attachment's status is the attach_status column: Cinder's `status` filter matches nothing.
  if (opts.status) query.attach_status = opts.status;
  return allPages((marker) =>
    client.send({
      operation: "list attachments",
      method: "GET",
      path: attachmentsDetailURL(),
      microversion: ATTACHMENTS_API,
      okStatuses: [200],
      query: marker ? { ...query, marker } : query,
      schema: attachmentListSchema(),
    }),
  );
}

/** Options of {@link updateAttachment}. */
export interface UpdateAttachmentOpts {
  /**
   * `rw` or `ro`, sent inside the connector, where attachment-update reads it: the mode of an
   * attachment made by a create that asked for one (update has no `mode` field of its own).
   */
  readonly mode?: "rw" | "ro";
}

/**
 * attachment-update (3.27): gives a reserved attachment its connector, or replaces the connector of
 * a connected one. Cinder answers with fresh connection info and moves it (back) to `attaching`.
 */
export async function updateAttachment(
  client: CinderClient,
  id: string,
  connector: Connector,
  opts: UpdateAttachmentOpts = {},
): Promise<Attachment> {
  return client.send({
    operation: "update attachment",
    method: "PUT",
    path: attachmentURL(id),
    microversion: ATTACHMENTS_API,
    okStatuses: [200],
    body: { attachment: { connector: toWireConnector(connector, opts.mode) } },
    schema: attachmentEnvelopeSchema(),
  });
}

/** os-complete (3.44): marks the attachment `attached` and the volume `in-use`. */
export async function completeAttachment(client: CinderClient, id: string): Promise<void> {
  client.requireWithinCap("Completing an attachment (os-complete)", ATTACHMENT_COMPLETE);
  await client.send({
    operation: "complete attachment",
    method: "POST",
    path: attachmentActionURL(id),
    microversion: ATTACHMENT_COMPLETE,
    okStatuses: [204],
    body: { "os-complete": {} },
  });
}

/**
 * attachment-delete (3.27): disconnects and removes the attachment; the volume returns to
 * `available` when none is left. With `resendAfter500: false` a 500 is returned at once rather than
 * resent (it is likely the refusal of OSSA-2023-003, which another try does not change).
 */
export async function deleteAttachment(
  client: CinderClient,
  id: string,
  options: { resendAfter500?: boolean } = {},
): Promise<void> {
  await client.send({
    operation: "delete attachment",
    method: "DELETE",
    path: attachmentURL(id),
    microversion: ATTACHMENTS_API,
    okStatuses: [200, 202, 204],
    finalStatuses: options.resendAfter500 === false ? [500] : undefined,
  });
}
