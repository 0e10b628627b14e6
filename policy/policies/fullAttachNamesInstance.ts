/** A connected volume must say which server it is for, unless the host is a known non-Nova host. */
import type { ResourceValidationPolicy } from "@pulumi/policy";
import { connectorOf, message, patterns, show, showRules, str, validateAttachment } from "./common";
import { policyConfig, stringList } from "./config";

/** Configuration of {@link fullAttachNamesInstance}. */
export interface FullAttachNamesInstanceConfig {
  /** Host names (`connector.host`, case-insensitive) that are external: bare metal, not Nova servers. */
  externalHosts: string[];
  /** Regular expressions matching whole external host names (case-insensitive). */
  externalHostPatterns: string[];
}

const NAME = "cinder-full-attach-names-instance";
const CONFIG = policyConfig<FullAttachNamesInstanceConfig>(
  { externalHosts: [], externalHostPatterns: [] },
  {
    externalHosts: stringList("connector.host values of hosts that are not Nova instances (case-insensitive)."),
    externalHostPatterns: stringList("Regular expressions matching whole external host names (case-insensitive)."),
  },
);

/**
 * A full attach (one with a connector) must set `instanceUuid`, unless its `connector.host` is listed
 * in `externalHosts` or matches `externalHostPatterns`. Mandatory by default.
 */
export const fullAttachNamesInstance: ResourceValidationPolicy = {
  name: NAME,
  description:
    "A full attach (with a connector) must name the instance it is for, or go to a host marked external in config.",
  enforcementLevel: "mandatory",
  configSchema: CONFIG.schema,
  validateResource: validateAttachment((args, reportViolation) => {
    const connector = connectorOf(args.props);
    if (connector === undefined) {
      args.notApplicable("a reservation (no connector) is not a full attach");
    }
    if (str(args.props, "instanceUuid") !== undefined) return;
    const config = CONFIG.read(args);
    const host = str(connector, "host");
    const external = patterns(NAME, "externalHostPatterns", config.externalHostPatterns, true);
    if (
      host !== undefined &&
      (config.externalHosts.some((name) => name.toLowerCase() === host.toLowerCase()) || external.test(host))
    ) {
      return;
    }
    const hostText = host === undefined ? "a connector without a host" : `connector.host ${show(host)}`;
    reportViolation(
      message({
        resource: args.name,
        property: "instanceUuid",
        found: "(not set)",
        problem: `a full attach to ${hostText} must name the instance it is for, and that host is not marked external (external hosts: ${showRules(config.externalHosts, config.externalHostPatterns)})`,
        fix:
          host === undefined
            ? "set instanceUuid to the server's UUID, or set connector.host and list it in externalHosts in the " +
              `${NAME} policy config`
            : `set instanceUuid to the server's UUID, or, for a host outside Nova, add ${show(host)} to externalHosts (or externalHostPatterns) in the ${NAME} policy config`,
      }),
    );
  }),
};
