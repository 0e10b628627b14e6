/** Paths of the volumes API, relative to the Block Storage endpoint. */

/** `volumes` (create) */
export const volumesURL = (): string => "volumes";
/** `volumes/detail` (detailed list) */
export const volumesDetailURL = (): string => "volumes/detail";
/** `volumes/<id>` */
export const volumeURL = (id: string): string => `volumes/${encodeURIComponent(id)}`;
/** `volumes/<id>/action` (os-reset_status, ...) */
export const volumeActionURL = (id: string): string => `volumes/${encodeURIComponent(id)}/action`;
