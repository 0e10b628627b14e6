/**
 * The local real stack for contract and end-to-end tests: its settings (written by
 * `scripts/stack/stack.sh start` to .local/stack/env.json), clients and test volumes.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { noAuthSession } from "../../provider/src/auth/noauth";
import { CinderClient } from "../../provider/src/cinder/client";
import { microversion } from "../../provider/src/cinder/microversion";
import { createVolume, deleteVolume } from "../../provider/src/cinder/volumes/requests";
import { waitForVolumeGone, waitForVolumeStatus } from "../../provider/src/cinder/attachments/wait";
import type { Volume } from "../../provider/src/cinder/volumes/schemas";
import { AttachmentOperations } from "../../provider/src/volumeAttachment/operations";

/** The repository's root folder (the bench, compiled to .local/bench-dist, is told it by scripts/bench.sh). */
export const REPO_ROOT = process.env["BENCH_REPO_ROOT"] ?? join(__dirname, "..", "..");

/** The stack's settings as `stack.sh start` wrote them. */
export function stackEnv(): Record<string, string> {
  const path = join(REPO_ROOT, ".local", "stack", "env.json");
  try {
    return JSON.parse(readFileSync(path, "utf8")) as Record<string, string>;
  } catch {
    throw new Error(`${path} is missing: start the local stack with "npm run stack -- start"`);
  }
}

/** The noauth environment the cinder CLI and the provider read, asserting the `service` role by default. */
export function noAuthEnv(overrides: Record<string, string | undefined> = {}): NodeJS.ProcessEnv {
  const env = stackEnv();
  return {
    OS_AUTH_TYPE: "noauth",
    CINDER_ENDPOINT: env.CINDER_ENDPOINT,
    OS_PROJECT_ID: env.OS_PROJECT_ID,
    OS_USER_ID: env.OS_USER_ID,
    CINDER_NOAUTH_SERVICE_ROLES: "service",
    ...overrides,
  };
}

/** Provider operations against the local noauth Cinder. */
export function operations(overrides: Record<string, string | undefined> = {}): AttachmentOperations {
  return AttachmentOperations.fromConfig(() => undefined, noAuthEnv(overrides));
}

/** An admin client of the local noauth Cinder (service role asserted), for setup and checks. */
export function adminClient(maxMicroversion?: string): Promise<CinderClient> {
  const env = stackEnv();
  return CinderClient.connect({
    endpoint: env.CINDER_ENDPOINT as string,
    auth: noAuthSession({ userId: "admin", projectId: "admin", serviceRoles: ["service"] }),
    maxMicroversion: maxMicroversion ? microversion(maxMicroversion) : undefined,
  });
}

/** Waits until the volume has `status`; fails at once on `error*`, or after `timeoutMs` (the provider's own wait). */
export function waitForVolume(client: CinderClient, id: string, status: string, timeoutMs = 30_000): Promise<Volume> {
  return waitForVolumeStatus(client, id, [status], { timeoutMs });
}

/** Test volumes made by one test file, deleted (with their attachments) by {@link TestVolumes.cleanup}. */
export class TestVolumes {
  private readonly ids: string[] = [];

  constructor(private readonly prefix: string) {}

  /**
   * Creates an available 1 GiB volume with a unique name; `multiattach` uses the stack's multiattach
   * type, `availabilityZone` schedules it to the cinder-volume of that zone.
   */
  async create(
    client: CinderClient,
    options: { multiattach?: boolean; name?: string; availabilityZone?: string } = {},
  ): Promise<Volume> {
    const name = options.name ?? `${this.prefix}-${Date.now().toString(36)}-${this.ids.length}`;
    const volumeType = options.multiattach ? stackEnv().CINDER_MULTIATTACH_TYPE : undefined;
    const created = await createVolume(client, {
      name,
      size: 1,
      volumeType,
      availabilityZone: options.availabilityZone,
    });
    this.ids.push(created.id);
    return waitForVolume(client, created.id, "available");
  }

  /**
   * Deletes every attachment of the volumes, then the volumes, and waits until Cinder has removed
   * them: a test may stop the private cinder-volume that serves them next, which would leave them
   * `deleting` for good.
   */
  async cleanup(client: CinderClient): Promise<void> {
    const { listAttachments, deleteAttachment } = await import("../../provider/src/cinder/attachments");
    for (const id of this.ids) {
      for (const attachment of await listAttachments(client, { volumeId: id })) {
        await deleteAttachment(client, attachment.id).catch(() => undefined);
      }
      await waitForVolume(client, id, "available").catch(() => undefined);
      await deleteVolume(client, id).catch(() => undefined);
    }
    await Promise.all(
      this.ids.map((id) => waitForVolumeGone(client, id, { timeoutMs: 30_000 }).catch(() => undefined)),
    );
  }
}
