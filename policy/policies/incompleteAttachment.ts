/** A connection left uncompleted keeps the volume in `attaching`. */
import type { ResourceValidationPolicy } from "@pulumi/policy";
import { bool, connectorOf, message, validateAttachment } from "./common";

const NAME = "cinder-incomplete-attachment";

/**
 * Warns about `complete: false` with a connector: the attachment is connected but never marked
 * complete, so the volume stays `attaching` instead of `in-use`. Advisory by default: a two-phase
 * attach (the host completes it itself) is legitimate, just rare.
 */
export const incompleteAttachment: ResourceValidationPolicy = {
  name: NAME,
  description: 'An attachment with a connector should be completed; complete: false leaves the volume "attaching".',
  enforcementLevel: "advisory",
  validateResource: validateAttachment((args, reportViolation) => {
    if (connectorOf(args.props) === undefined) {
      args.notApplicable("a reservation (no connector) cannot be completed");
    }
    if (bool(args.props, "complete") !== false) return;
    reportViolation(
      message({
        resource: args.name,
        property: "complete",
        found: "false",
        problem:
          'with a connector this connects the volume but never marks the attachment complete, so the volume stays "attaching" (not "in-use") until something else completes it',
        fix: "remove complete (it defaults to true with a connector), or remove the connector to only reserve the volume",
      }),
    );
  }),
};
