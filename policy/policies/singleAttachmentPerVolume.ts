/** A volume that is not multiattach may be attached only once. */
import { type StackValidationPolicy, validateStackResourcesOfType } from "@pulumi/policy";
import {
  VolumeAttachment,
  byVolume,
  configOf,
  message,
  patterns,
  show,
  stackAttachments,
  volumeKeys,
  volumeListed,
} from "./common";

/** Configuration of {@link singleAttachmentPerVolume}. */
export interface SingleAttachmentPerVolumeConfig {
  /** Volumes (ID or name) known to be multiattach (their volume type has `multiattach="<is> True"`). */
  multiattachVolumes: string[];
  /** Regular expressions matching whole IDs or names of multiattach volumes. */
  multiattachVolumePatterns: string[];
}

const NAME = "cinder-single-attachment-per-volume";
const DEFAULTS: SingleAttachmentPerVolumeConfig = { multiattachVolumes: [], multiattachVolumePatterns: [] };

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
  configSchema: {
    properties: {
      multiattachVolumes: {
        type: "array",
        items: { type: "string" },
        default: DEFAULTS.multiattachVolumes,
        description: "IDs or names of volumes whose volume type allows multiattach.",
      },
      multiattachVolumePatterns: {
        type: "array",
        items: { type: "string" },
        default: DEFAULTS.multiattachVolumePatterns,
        description: "Regular expressions matching whole IDs or names of multiattach volumes.",
      },
    },
  },
  validateStack: validateStackResourcesOfType(VolumeAttachment, (_props, args, reportViolation) => {
    const config = configOf(args, DEFAULTS);
    const multiattach = patterns(NAME, "multiattachVolumePatterns", config.multiattachVolumePatterns);
    for (const [volume, group] of byVolume(stackAttachments(args.resources))) {
      if (group.length < 2) continue;
      if (volumeListed(volumeKeys(group), config.multiattachVolumes, multiattach)) continue;
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
