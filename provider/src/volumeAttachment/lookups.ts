/**
 * The arguments and results of the package's functions (data sources): looking attachments up in
 * Cinder without managing them. Their doc comments are the functions' documentation in the package
 * schema and the SDKs; the results have the resource's outputs, credentials secret.
 */
import { z } from "zod";
import { once } from "../once";
import { type VolumeAttachmentOutputs, uuid } from "./shape";

function buildGetAttachmentArgsSchema() {
  return z.strictObject(
    {
      /** The attachment's ID. */
      attachmentId: uuid("attachmentId"),
    },
    {
      error: (issue) =>
        issue.code === "unrecognized_keys" ? `unknown argument(s) ${issue.keys.join(", ")}` : undefined,
    },
  );
}

function buildGetAttachmentsArgsSchema() {
  return z.strictObject(
    {
      /** Only the attachments of this volume (its ID). */
      volumeId: uuid("volumeId").optional(),
      /** Only the attachments for this instance (server). */
      instanceUuid: uuid("instanceUuid").optional(),
      /** Only the attachments in this status: `reserved`, `attaching`, `attached`, ... */
      status: z.string({ error: "status must be a string such as attached or reserved" }).min(1).optional(),
    },
    {
      error: (issue) =>
        issue.code === "unrecognized_keys" ? `unknown argument(s) ${issue.keys.join(", ")}` : undefined,
    },
  );
}

/** The schema of getAttachment's arguments. */
export const getAttachmentArgsSchema = once(buildGetAttachmentArgsSchema);

/** The schema of getAttachments' arguments. */
export const getAttachmentsArgsSchema = once(buildGetAttachmentsArgsSchema);

/** The arguments of getAttachment. */
export type GetAttachmentArgs = z.input<ReturnType<typeof getAttachmentArgsSchema>>;

/** The arguments of getAttachments. */
export type GetAttachmentsArgs = z.input<ReturnType<typeof getAttachmentsArgsSchema>>;

/** What getAttachment returns: the attachment as a VolumeAttachment's outputs describe it. */
export type GetAttachmentResult = VolumeAttachmentOutputs;

/** What getAttachments returns. */
export interface GetAttachmentsResult {
  /** The attachments that match, from every page of Cinder's list, as a VolumeAttachment's outputs describe them. */
  attachments: VolumeAttachmentOutputs[];
}
