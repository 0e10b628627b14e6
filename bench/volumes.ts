/**
 * Volumes the bench makes beforehand (not timed), and the cleanup that removes them with every
 * attachment they hold, whatever happened to the run.
 */
import { noAuthSession } from "../provider/src/auth/noauth";
import { deleteAttachment, listAttachments } from "../provider/src/cinder/attachments";
import { CinderClient } from "../provider/src/cinder/client";
import { CinderServerError, isCinderStatus } from "../provider/src/cinder/errors";
import { waitForVolumeStatus } from "../provider/src/cinder/attachments/wait";
import { createVolume, deleteVolume, listVolumes, listVolumesByName } from "../provider/src/cinder/volumes/requests";
import { stackEnv } from "./env";
import { mapLimit } from "./stats";

/** An admin client of the local noauth Cinder (the `service` role asserted: it may delete any attachment). */
export function noauthAdminClient(): Promise<CinderClient> {
  const env = stackEnv();
  return CinderClient.connect({
    endpoint: env["CINDER_ENDPOINT"] as string,
    auth: noAuthSession({
      userId: env["OS_USER_ID"] ?? "admin",
      projectId: env["OS_PROJECT_ID"] ?? "admin",
      serviceRoles: ["service"],
    }),
  });
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Runs `fn` again after a 5xx (the shared local Cinder can fail a request while other work loads
 * it), at most `attempts` times; `settled` may find what a failed attempt did after all.
 */
async function retried<T>(fn: () => Promise<T>, settled?: () => Promise<T | undefined>, attempts = 6): Promise<T> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await fn();
    } catch (err) {
      if (!(err instanceof CinderServerError) || attempt >= attempts) throw err;
      await sleep(250 * attempt);
      const done = await settled?.();
      if (done !== undefined) return done;
    }
  }
}

/** Waits until the volume is `status`; fails at once on `error*`, or after `timeoutMs` (the provider's own wait). */
export function waitForVolume(client: CinderClient, id: string, status: string, timeoutMs = 120_000) {
  return waitForVolumeStatus(client, id, [status], { timeoutMs });
}

/** Deletes every attachment of the volume and waits until it is `available` again. */
export async function releaseVolume(client: CinderClient, volumeId: string): Promise<void> {
  for (const attachment of await retried(() => listAttachments(client, { volumeId }))) {
    await retried(() => deleteAttachment(client, attachment.id)).catch((err: unknown) => {
      if (!isCinderStatus(err, 404)) throw err;
    });
  }
  await waitForVolume(client, volumeId, "available", 60_000);
}

/** Volumes of one bench run, on one Cinder client (noauth admin, or a Keystone user's project). */
export class BenchVolumes {
  private readonly ids: string[] = [];

  constructor(
    /** The client the volumes were made with (their project). */
    readonly client: CinderClient,
    private readonly prefix: string,
  ) {}

  /** Creates `count` available 1 GiB volumes (two requests at once, to spare the shared local Cinder). */
  async create(count: number, label: string): Promise<string[]> {
    const names = Array.from({ length: count }, (_, i) => `${this.prefix}-${label}-${i}`);
    const created = await mapLimit(names, 2, async (name) => {
      const volume = await retried(
        () => createVolume(this.client, { name, size: 1 }),
        async () => (await listVolumesByName(this.client, name)).find((v) => v.name === name),
      );
      this.ids.push(volume.id);
      return volume.id;
    });
    await mapLimit(created, 4, (id) => waitForVolume(this.client, id, "available"));
    return created;
  }

  /**
   * Creates up to `count` volumes one by one, stopping early when the project's volume quota is
   * reached (413) with at least `atLeast` made: a shared project may hold others' volumes.
   */
  async createUpTo(count: number, atLeast: number, label: string): Promise<string[]> {
    const made: string[] = [];
    for (let i = 0; i < count; i += 1) {
      const name = `${this.prefix}-${label}-${i}`;
      try {
        const volume = await retried(
          () => createVolume(this.client, { name, size: 1 }),
          async () => (await listVolumesByName(this.client, name)).find((v) => v.name === name),
        );
        this.ids.push(volume.id);
        made.push(volume.id);
      } catch (err) {
        if (isCinderStatus(err, 413) && made.length >= atLeast) break;
        throw err;
      }
    }
    await mapLimit(made, 4, (id) => waitForVolume(this.client, id, "available"));
    return made;
  }

  /** Deletes every attachment of the volumes, then the volumes; returns what could not be removed. */
  async cleanup(): Promise<string[]> {
    const failures: string[] = [];
    // Volumes whose create got no usable answer but were made all the same carry the run's prefix.
    try {
      const all = await retried(() => listVolumes(this.client));
      for (const volume of all) {
        if (volume.name?.startsWith(`${this.prefix}-`) && !this.ids.includes(volume.id)) this.ids.push(volume.id);
      }
    } catch (err) {
      failures.push(`listing volumes: ${err instanceof Error ? err.message : String(err)}`);
    }
    const gone = (err: unknown) => {
      if (!isCinderStatus(err, 404)) throw err;
    };
    await mapLimit([...this.ids], 2, async (id) => {
      try {
        for (const attachment of await retried(() => listAttachments(this.client, { volumeId: id }))) {
          await retried(() => deleteAttachment(this.client, attachment.id)).catch(gone);
        }
        await waitForVolume(this.client, id, "available", 60_000).catch(() => undefined);
        await retried(() => deleteVolume(this.client, id)).catch(gone);
        this.ids.splice(this.ids.indexOf(id), 1);
      } catch (err) {
        failures.push(`volume ${id}: ${err instanceof Error ? err.message : String(err)}`);
      }
    });
    return failures;
  }
}
