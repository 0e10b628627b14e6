/** The few volume operations attaching needs: show, find by name, and (for tests and tools) create and delete. */
import type { CinderClient } from "../client";
import { ATTACHMENTS_API } from "../microversion";
import { allPages } from "../paging";
import { type Volume, volumeEnvelopeSchema, volumeListSchema } from "./schemas";
import { volumeActionURL, volumeURL, volumesDetailURL, volumesURL } from "./urls";

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

/** Filters of {@link listVolumes}. */
export interface ListVolumesOpts {
  /** Only volumes whose name is this (the server filters). */
  readonly name?: string;
}

/** volume list, detailed, every page. */
export async function listVolumes(client: CinderClient, opts: ListVolumesOpts = {}): Promise<Volume[]> {
  return allPages((marker) =>
    client.send({
      operation: "list volumes",
      method: "GET",
      path: volumesDetailURL(),
      microversion: ATTACHMENTS_API,
      okStatuses: [200],
      query: { ...(opts.name !== undefined ? { name: opts.name } : {}), ...(marker ? { marker } : {}) },
      schema: volumeListSchema(),
    }),
  );
}

/** Volumes whose name is exactly `name` (detailed list, filtered by the server). */
export async function listVolumesByName(client: CinderClient, name: string): Promise<Volume[]> {
  return listVolumes(client, { name });
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
    path: volumesURL(),
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

/** The status a volume is reset to by {@link resetVolumeStatus}. */
export interface VolumeStatusReset {
  readonly status: "available" | "in-use";
  /** `detached` with `available`: the volume holds no attachment. */
  readonly attachStatus?: "detached" | "attached";
}

/**
 * os-reset_status (admin action by default policy): sets the volume's status without touching
 * storage, e.g. to release a volume Cinder reserved and then failed to attach.
 */
export async function resetVolumeStatus(client: CinderClient, id: string, reset: VolumeStatusReset): Promise<void> {
  await client.send({
    operation: "reset volume status",
    method: "POST",
    path: volumeActionURL(id),
    microversion: ATTACHMENTS_API,
    okStatuses: [202],
    body: {
      "os-reset_status": {
        status: reset.status,
        ...(reset.attachStatus ? { attach_status: reset.attachStatus } : {}),
      },
    },
  });
}
