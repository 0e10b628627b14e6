/** Paths of the attachments API, relative to the Block Storage endpoint. */

/** `attachments` (create) */
export const attachmentsURL = (): string => "attachments";
/** `attachments/detail` (detailed list) */
export const attachmentsDetailURL = (): string => "attachments/detail";
/** `attachments/<id>` */
export const attachmentURL = (id: string): string => `attachments/${encodeURIComponent(id)}`;
/** `attachments/<id>/action` (os-complete) */
export const attachmentActionURL = (id: string): string => `attachments/${encodeURIComponent(id)}/action`;
