/** Only configured hosts may receive a volume. */
import type { ResourceValidationPolicy } from "@pulumi/policy";
import { connectorOf, message, patterns, show, showRules, str, validateAttachment } from "./common";
import { policyConfig, stringList } from "./config";

/** Configuration of {@link allowedConnectorHosts}. */
export interface AllowedConnectorHostsConfig {
  /** Host names allowed as `connector.host` (compared case-insensitively). */
  allowedHosts: string[];
  /** Regular expressions a `connector.host` may match instead (whole name, case-insensitive). */
  allowedHostPatterns: string[];
}

const NAME = "cinder-allowed-connector-hosts";
const CONFIG = policyConfig<AllowedConnectorHostsConfig>(
  { allowedHosts: [], allowedHostPatterns: [] },
  {
    allowedHosts: stringList("Host names allowed as connector.host (case-insensitive)."),
    allowedHostPatterns: stringList("Regular expressions matching whole allowed host names (case-insensitive)."),
  },
);

/**
 * `connector.host` must be one of `allowedHosts` or match one of `allowedHostPatterns`. Not applicable
 * to reservations (no connector) nor until one of the two is configured. Mandatory by default.
 */
export const allowedConnectorHosts: ResourceValidationPolicy = {
  name: NAME,
  description: "A volume may only be connected to a host the storage team allows (connector.host).",
  enforcementLevel: "mandatory",
  configSchema: CONFIG.schema,
  validateResource: validateAttachment((args, reportViolation) => {
    const config = CONFIG.read(args);
    if (config.allowedHosts.length === 0 && config.allowedHostPatterns.length === 0) {
      args.notApplicable("no allowedHosts or allowedHostPatterns configured");
    }
    const connector = connectorOf(args.props);
    if (connector === undefined) {
      args.notApplicable("a reservation (no connector) connects no host");
    }
    const allowed = config.allowedHosts.map((host) => host.toLowerCase());
    const allowedPatterns = patterns(NAME, "allowedHostPatterns", config.allowedHostPatterns, true);
    const host = str(connector, "host");
    if (host !== undefined && (allowed.includes(host.toLowerCase()) || allowedPatterns.test(host))) return;
    const rules = showRules(config.allowedHosts, config.allowedHostPatterns);
    reportViolation(
      message({
        resource: args.name,
        property: "connector.host",
        found: show(host),
        problem:
          host === undefined
            ? `a connector must name its host so it can be checked against the allowed hosts (${rules})`
            : `not an allowed host (allowed: ${rules})`,
        fix:
          host === undefined
            ? "set connector.host to the host's name"
            : `connect the volume to an allowed host, or add ${show(host)} to allowedHosts (or a matching allowedHostPatterns entry) in the ${NAME} policy config`,
      }),
    );
  }),
};
