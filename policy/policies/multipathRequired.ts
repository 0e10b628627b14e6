/** Hosts that must reach their volumes over more than one path. */
import type { ResourceValidationPolicy } from "@pulumi/policy";
import { bool, connectorOf, message, patterns, show, showRules, str, validateAttachment } from "./common";
import { policyConfig, stringList } from "./config";

/** When {@link multipathRequired} applies. */
export type MultipathWhen = "always" | "hosts-matching";

/** Configuration of {@link multipathRequired}. */
export interface MultipathRequiredConfig {
  /** `always` (every connector) or `hosts-matching` (connectors whose host matches `hostPatterns`). */
  when: MultipathWhen;
  /** With `when: hosts-matching`: regular expressions for whole host names (case-insensitive). */
  hostPatterns: string[];
}

const NAME = "cinder-multipath-required";
const CONFIG = policyConfig<MultipathRequiredConfig>(
  { when: "always", hostPatterns: [] },
  {
    when: {
      type: "string",
      enum: ["always", "hosts-matching"],
      description: "always: every connector; hosts-matching: connectors whose host matches hostPatterns.",
    },
    hostPatterns: stringList(
      "With when: hosts-matching, regular expressions matching whole host names (case-insensitive).",
    ),
  },
);

/**
 * `connector.multipath` must be true: on every connector (`when: always`, the default) or on those
 * whose host matches `hostPatterns` (`when: hosts-matching`). Advisory by default.
 */
export const multipathRequired: ResourceValidationPolicy = {
  name: NAME,
  description: "Connectors must use multipath, so a single path failure does not take the volume away.",
  enforcementLevel: "advisory",
  configSchema: CONFIG.schema,
  validateResource: validateAttachment((args, reportViolation) => {
    const config = CONFIG.read(args);
    const connector = connectorOf(args.props);
    if (connector === undefined) {
      args.notApplicable("a reservation (no connector) has no paths");
    }
    const host = str(connector, "host");
    let scope = "every connector";
    if (config.when === "hosts-matching") {
      const set = patterns(NAME, "hostPatterns", config.hostPatterns, true);
      if (host === undefined || !set.test(host)) return;
      scope = `hosts matching ${showRules([], config.hostPatterns)}, as ${show(host)} does`;
    }
    const multipath = bool(connector, "multipath");
    if (multipath === true) return;
    reportViolation(
      message({
        resource: args.name,
        property: "connector.multipath",
        found: multipath === undefined ? "(not set, so false)" : show(multipath),
        problem: `multipath is required for ${scope}`,
        fix: "set connector.multipath: true (and run multipathd on the host)",
      }),
    );
  }),
};
