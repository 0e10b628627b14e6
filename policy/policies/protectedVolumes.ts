/** Attachments of critical volumes must be protected against deletion. */
import type { ResourceValidationPolicy } from "@pulumi/policy";
import { message, patterns, show, str, validateAttachment } from "./common";
import { policyConfig, stringList } from "./config";

/** Configuration of {@link protectedVolumes}. */
export interface ProtectedVolumesConfig {
  /** Volume IDs or names whose attachments must set the `protect` resource option. */
  volumes: string[];
  /** Regular expressions matching whole volume IDs or names whose attachments must be protected. */
  volumePatterns: string[];
}

const NAME = "cinder-protected-volumes";
const CONFIG = policyConfig<ProtectedVolumesConfig>(
  { volumes: [], volumePatterns: [] },
  {
    volumes: stringList("Volume IDs or names whose attachments must be protected."),
    volumePatterns: stringList(
      "Regular expressions matching whole volume IDs or names whose attachments must be protected.",
    ),
  },
);

/**
 * An attachment of a volume listed in `volumes`/`volumePatterns` must set `protect: true`, so that a
 * `destroy`, a removed resource or a replacement cannot detach it (from a running database, say).
 * Not applicable until volumes are configured. Mandatory by default.
 */
export const protectedVolumes: ResourceValidationPolicy = {
  name: NAME,
  description: "Attachments of volumes listed as critical must set the protect resource option.",
  enforcementLevel: "mandatory",
  configSchema: CONFIG.schema,
  validateResource: validateAttachment((args, reportViolation) => {
    const config = CONFIG.read(args);
    if (config.volumes.length === 0 && config.volumePatterns.length === 0) {
      args.notApplicable("no volumes or volumePatterns configured");
    }
    const volumeId = str(args.props, "volumeId");
    if (volumeId === undefined || args.opts.protect) return;
    const critical = patterns(NAME, "volumePatterns", config.volumePatterns);
    if (!config.volumes.includes(volumeId) && !critical.test(volumeId)) return;
    reportViolation(
      message({
        resource: args.name,
        property: "protect (resource option)",
        found: show(args.opts.protect),
        problem: `volume ${show(volumeId)} is listed as critical, and an unprotected attachment is detached by a destroy, a replacement or removing the resource`,
        fix: "pass { protect: true } in the attachment's resource options",
      }),
    );
  }),
};
