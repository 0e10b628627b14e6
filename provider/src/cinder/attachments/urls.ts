/** Paths of the attachments API, relative to the Block Storage endpoint. */

/** `attachments` */
export const attachmentsURL = (): string => "attachments";
/** `attachments/<id>` */
export const attachmentURL = (id: string): string => `attachments/${encodeURIComponent(id)}`;
/** `attachments/<id>/action` (os-complete) */
export const attachmentActionURL = (id: string): string => `attachments/${encodeURIComponent(id)}/action`;
