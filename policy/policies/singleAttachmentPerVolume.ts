/** A volume that is not multiattach may be attached only once. */
import type { StackValidationPolicy } from "@pulumi/policy";
import { message, show, validateAttachments } from "./common";
import { type VolumeListSetting, volumeGroups, volumeListConfig } from "./volumeList";

/** Configuration of {@link singleAttachmentPerVolume}. */
export interface SingleAttachmentPerVolumeConfig {
  /** Volumes (ID or name) known to be multiattach (their volume type has `multiattach="<is> True"`). */
  multiattachVolumes: string[];
  /** Regular expressions matching whole IDs or names of multiattach volumes. */
  multiattachVolumePatterns: string[];
}

const NAME = "cinder-single-attachment-per-volume";
const MULTIATTACH: VolumeListSetting = {
  names: "multiattachVolumes" satisfies keyof SingleAttachmentPerVolumeConfig,
  namesDescription: "IDs or names of volumes whose volume type allows multiattach.",
  patterns: "multiattachVolumePatterns" satisfies keyof SingleAttachmentPerVolumeConfig,
  patternsDescription: "Regular expressions matching whole IDs or names of multiattach volumes.",
};

/**
 * No two attachments in the stack may target the same volume unless the volume is listed as multiattach
 * in config. The pack cannot learn multiattach from the attachments' inputs or outputs (it is the
 * volume type's property) and does not call Cinder, so the storage team lists such volumes. Mandatory.
 */
export const singleAttachmentPerVolume: StackValidationPolicy = {
  name: NAME,
  description:
    "No two attachments in the stack may target the same volume unless config lists that volume as multiattach.",
  enforcementLevel: "mandatory",
  configSchema: volumeListConfig(MULTIATTACH).schema,
  validateStack: validateAttachments((args, reportViolation) => {
    for (const { volume, attachments: group, listed } of volumeGroups(NAME, args, MULTIATTACH)) {
      if (group.length < 2 || listed) continue;
      const names = group.map((a) => `"${a.name}"`).join(", ");
      for (const attachment of group) {
        reportViolation(
          message({
            resource: attachment.name,
            property: "volumeId",
            found: show(volume),
            problem: `${group.length} attachments in this stack (${names}) target this volume, which is not listed as multiattach, and Cinder refuses a second attachment of a volume without multiattach`,
            fix: `attach the volume once, or give it a multiattach volume type and add it to multiattachVolumes in the ${NAME} policy config`,
          }),
          attachment.urn,
        );
      }
    }
  }),
};
