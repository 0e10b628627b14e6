/** A volume connected to several hosts must be read-only on each of them. */
import type { StackValidationPolicy } from "@pulumi/policy";
import { message, show, validateAttachments } from "./common";
import { type VolumeListSetting, volumeGroups, volumeListConfig } from "./volumeList";

/** Configuration of {@link sharedVolumeReadOnly}. */
export interface SharedVolumeReadOnlyConfig {
  /** Volumes (ID or name) that may be writable on several hosts: a cluster filesystem coordinates writes. */
  allowWritableVolumes: string[];
  /** Regular expressions matching whole volume IDs or names allowed to be writable on several hosts. */
  allowWritableVolumePatterns: string[];
}

const NAME = "cinder-shared-volume-read-only";
const WRITABLE: VolumeListSetting = {
  names: "allowWritableVolumes" satisfies keyof SharedVolumeReadOnlyConfig,
  namesDescription: "Volume IDs or names that may be attached read-write to several hosts.",
  patterns: "allowWritableVolumePatterns" satisfies keyof SharedVolumeReadOnlyConfig,
  patternsDescription:
    "Regular expressions matching whole volume IDs or names that may be read-write on several hosts.",
};

/**
 * When the stack attaches one volume to more than one host, every one of those attachments must set
 * `mode: "ro"`, unless the volume is in `allowWritableVolumes`/`allowWritableVolumePatterns`. A stack
 * policy (it compares attachments). Mandatory by default.
 */
export const sharedVolumeReadOnly: StackValidationPolicy = {
  name: NAME,
  description:
    'A volume attached to more than one host in the stack must be attached with mode "ro" everywhere, unless allowed in config.',
  enforcementLevel: "mandatory",
  configSchema: volumeListConfig(WRITABLE).schema,
  validateStack: validateAttachments((args, reportViolation) => {
    for (const { volume, attachments: group, listed } of volumeGroups(NAME, args, WRITABLE)) {
      const hosts = [...new Set(group.map((a) => a.host ?? `resource ${a.name}`))];
      if (hosts.length < 2 || listed) continue;
      const where = group.map((a) => `${show(a.host ?? "(unknown host)")} by "${a.name}"`).join(", ");
      for (const attachment of group) {
        if (attachment.mode === "ro") continue;
        reportViolation(
          message({
            resource: attachment.name,
            property: "mode",
            found: attachment.mode === undefined ? '(not set, so "rw")' : show(attachment.mode),
            problem: `volume ${show(volume)} is attached to ${hosts.length} hosts in this stack (${where}), and a volume shared between hosts is attached read-only unless a cluster filesystem coordinates writes`,
            fix: `set mode: "ro" on every attachment of ${show(volume)}, or add the volume to allowWritableVolumes in the ${NAME} policy config`,
          }),
          attachment.urn,
        );
      }
    }
  }),
};
