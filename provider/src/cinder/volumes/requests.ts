/** The few volume operations attaching needs: show, find by name, and (for tests and tools) create and delete. */
import type { CinderClient } from "../client";
import { ATTACHMENTS_API } from "../microversion";
import { type Volume, volumeEnvelopeSchema, volumeListSchema } from "./schemas";

const volumeURL = (id: string): string => `volumes/${encodeURIComponent(id)}`;

/** volume show. */
export async function getVolume(client: CinderClient, id: string): Promise<Volume> {
  return client.send({
    operation: "get volume",
    method: "GET",
    path: volumeURL(id),
    microversion: ATTACHMENTS_API,
    okStatuses: [200],
    schema: volumeEnvelopeSchema(),
  });
}

/** Volumes whose name is exactly `name` (detailed list, filtered by the server). */
export async function listVolumesByName(client: CinderClient, name: string): Promise<Volume[]> {
  return client.send({
    operation: "list volumes",
    method: "GET",
    path: "volumes/detail",
    microversion: ATTACHMENTS_API,
    okStatuses: [200],
    query: { name },
    schema: volumeListSchema(),
  });
}

/** Options of {@link createVolume}. */
export interface CreateVolumeOpts {
  readonly name: string;
  /** GiB. */
  readonly size: number;
  readonly volumeType?: string;
  /** The availability zone to schedule it in (Cinder's default zone when left out). */
  readonly availabilityZone?: string;
}

/** volume create; the volume starts in `creating`. */
export async function createVolume(client: CinderClient, opts: CreateVolumeOpts): Promise<Volume> {
  return client.send({
    operation: "create volume",
    method: "POST",
    path: "volumes",
    microversion: ATTACHMENTS_API,
    okStatuses: [202],
    body: {
      volume: {
        name: opts.name,
        size: opts.size,
        ...(opts.volumeType ? { volume_type: opts.volumeType } : {}),
        ...(opts.availabilityZone ? { availability_zone: opts.availabilityZone } : {}),
      },
    },
    schema: volumeEnvelopeSchema(),
  });
}

/** volume delete. */
export async function deleteVolume(client: CinderClient, id: string): Promise<void> {
  await client.send({
    operation: "delete volume",
    method: "DELETE",
    path: volumeURL(id),
    microversion: ATTACHMENTS_API,
    okStatuses: [202, 204],
  });
}
