/** Refer to volumes by ID, not by name. */
import type { ResourceValidationPolicy } from "@pulumi/policy";
import { message, patterns, show, str, validateAttachment } from "./common";
import { policyConfig, stringList } from "./config";

/** Configuration of {@link volumeById}. */
export interface VolumeByIdConfig {
  /** Regular expressions matching whole volume names that may be used instead of an ID. */
  allowedNamePatterns: string[];
}

const NAME = "cinder-volume-by-id";
const CONFIG = policyConfig<VolumeByIdConfig>(
  { allowedNamePatterns: [] },
  {
    allowedNamePatterns: stringList("Regular expressions matching whole volume names that may be used instead of IDs."),
  },
);
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * `volumeId` should be a volume ID: a name is resolved once, at create, among the volumes the project
 * can see, so a renamed or duplicated name silently points the program at another volume, and the
 * pack's own volume lists cannot match IDs against names reliably. Advisory by default.
 */
export const volumeById: ResourceValidationPolicy = {
  name: NAME,
  description: "volumeId should be the volume's ID, not its name (names are neither unique nor stable).",
  enforcementLevel: "advisory",
  configSchema: CONFIG.schema,
  validateResource: validateAttachment((args, reportViolation) => {
    const volumeId = str(args.props, "volumeId");
    if (volumeId === undefined || UUID.test(volumeId)) return;
    const config = CONFIG.read(args);
    if (patterns(NAME, "allowedNamePatterns", config.allowedNamePatterns).test(volumeId)) return;
    reportViolation(
      message({
        resource: args.name,
        property: "volumeId",
        found: show(volumeId),
        problem:
          "it is a volume name, not an ID: names are not unique and can change, so it may resolve to another volume",
        fix: `use the volume's ID (e.g. from the volume resource or \`openstack volume show -f value -c id ${volumeId}\`), or allow the name with allowedNamePatterns in the ${NAME} policy config`,
      }),
    );
  }),
};
