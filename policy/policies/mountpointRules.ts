/** Device paths a connector may (or may not) name. */
import type { ResourceValidationPolicy } from "@pulumi/policy";
import { connectorOf, message, patterns, show, showRules, str, validateAttachment } from "./common";
import { policyConfig, stringList } from "./config";

/** Configuration of {@link mountpointRules}. */
export interface MountpointRulesConfig {
  /** Every connector must give `mountpoint`. */
  required: boolean;
  /** Regular expressions a mountpoint must match (whole path); empty: any path. */
  allowedPatterns: string[];
  /** Regular expressions a mountpoint must not match (whole path): by default the usual root disks. */
  forbiddenPatterns: string[];
}

const NAME = "cinder-mountpoint";
const CONFIG = policyConfig<MountpointRulesConfig>(
  {
    required: false,
    allowedPatterns: [],
    forbiddenPatterns: ["/dev/[sv]da", "/dev/xvda", "/dev/nvme0n1"],
  },
  {
    required: { type: "boolean", description: "Every connector must set mountpoint." },
    allowedPatterns: stringList("Regular expressions a mountpoint must match (whole path); empty allows any."),
    forbiddenPatterns: stringList("Regular expressions a mountpoint must not match (whole path)."),
  },
);

/**
 * `connector.mountpoint` must not name a forbidden device (default: the usual root disks), must match
 * `allowedPatterns` when any are configured, and must be given when `required`. Advisory by default.
 */
export const mountpointRules: ResourceValidationPolicy = {
  name: NAME,
  description: "connector.mountpoint must not name a root disk, and must follow the configured device naming.",
  enforcementLevel: "advisory",
  configSchema: CONFIG.schema,
  validateResource: validateAttachment((args, reportViolation) => {
    const connector = connectorOf(args.props);
    if (connector === undefined) {
      args.notApplicable("a reservation (no connector) has no mountpoint");
    }
    const config = CONFIG.read(args);
    const mountpoint = str(connector, "mountpoint");
    const report = (problem: string, fix: string): void =>
      reportViolation(
        message({ resource: args.name, property: "connector.mountpoint", found: show(mountpoint), problem, fix }),
      );
    if (mountpoint === undefined) {
      if (config.required) {
        report(
          "a mountpoint is required, so the host's device for this volume is recorded in Cinder",
          "set connector.mountpoint to the device path the volume appears as, e.g. /dev/vdb",
        );
      }
      return;
    }
    if (patterns(NAME, "forbiddenPatterns", config.forbiddenPatterns).test(mountpoint)) {
      report(
        `it matches a forbidden device (${showRules([], config.forbiddenPatterns)}), usually the host's root disk`,
        "use the device the volume appears as on the host, e.g. /dev/vdb",
      );
      return;
    }
    const allowed = patterns(NAME, "allowedPatterns", config.allowedPatterns);
    if (config.allowedPatterns.length > 0 && !allowed.test(mountpoint)) {
      report(
        `it does not follow the device naming allowed here (${showRules([], config.allowedPatterns)})`,
        `use a device path matching one of the allowedPatterns, or extend allowedPatterns in the ${NAME} policy config`,
      );
    }
  }),
};
