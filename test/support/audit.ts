/**
 * The audit after a fault scenario: what Cinder has for the test's volumes must be exactly what the
 * provider recorded, every volume's status must agree with its attachments, and no volume may be
 * `reserved` (or `attaching`) with no attachment holding it.
 */
import type { CinderClient } from "../../provider/src/cinder/client";
import { listAttachments } from "../../provider/src/cinder/attachments";
import { getVolume } from "../../provider/src/cinder/volumes/requests";

/** What the audit found; `clean` when nothing is wrong. */
export interface AuditReport {
  /** Attachments in Cinder that nobody recorded: leaked. */
  readonly leaked: string[];
  /** Attachments recorded that Cinder no longer has. */
  readonly missing: string[];
  /** Volumes whose status does not agree with their attachments, as `<id>: <status> with [...]`. */
  readonly inconsistent: string[];
  /** Volumes `reserved`/`attaching` with no attachment in the making. */
  readonly stranded: string[];
  /** Attachments in an error status. */
  readonly failed: string[];
  /** Every attachment of the volumes, as `<id> <status>`. */
  readonly seen: string[];
  readonly clean: boolean;
}

const IN_THE_MAKING = ["reserved", "attaching"];

/**
 * The status a volume must have for these attachment statuses: `available` with none, `in-use` when
 * all are attached, `reserved`/`attaching` while one is in the making.
 */
export function expectedVolumeStatuses(attachmentStatuses: readonly string[]): string[] {
  if (attachmentStatuses.length === 0) return ["available"];
  if (attachmentStatuses.every((s) => s === "attached")) return ["in-use"];
  return ["reserved", "attaching"];
}

/** Compares Cinder's attachments of `volumeIds` with the attachment IDs the provider `recorded`. */
export async function audit(
  client: CinderClient,
  volumeIds: readonly string[],
  recorded: Iterable<string>,
): Promise<AuditReport> {
  const expected = new Set(recorded);
  const found = new Set<string>();
  const inconsistent: string[] = [];
  const stranded: string[] = [];
  const failed: string[] = [];
  const seen: string[] = [];
  for (const volumeId of volumeIds) {
    const attachments = await listAttachments(client, { volumeId });
    const volume = await getVolume(client, volumeId);
    const statuses = attachments.map((a) => a.status);
    for (const a of attachments) {
      found.add(a.id);
      seen.push(`${a.id} ${a.status}`);
      if (a.status.startsWith("error")) failed.push(`${a.id} ${a.status}`);
    }
    if (!expectedVolumeStatuses(statuses).includes(volume.status)) {
      inconsistent.push(`${volumeId}: ${volume.status} with [${statuses.join(", ")}]`);
    }
    if (IN_THE_MAKING.includes(volume.status) && !statuses.some((s) => IN_THE_MAKING.includes(s))) {
      stranded.push(`${volumeId}: ${volume.status}`);
    }
  }
  const leaked = [...found].filter((id) => !expected.has(id));
  const missing = [...expected].filter((id) => !found.has(id));
  return {
    leaked,
    missing,
    inconsistent,
    stranded,
    failed,
    seen,
    clean: [leaked, missing, inconsistent, stranded, failed].every((list) => list.length === 0),
  };
}
