/** Connection credentials must only ever be stored as secrets. */
import type { PolicyResource, StackValidationPolicy } from "@pulumi/policy";
import { ifKnown, message, show, type Props, validateAttachments } from "./common";
import { policyConfig, stringList } from "./config";

/** Configuration of {@link credentialsStaySecret}. */
export interface CredentialsStaySecretConfig {
  /** A regular expression (searched, case-insensitive) for property keys that hold credentials. */
  credentialKeyPattern: string;
  /** Keys matching the pattern that are not credentials (Ceph's `secret_uuid` names a libvirt secret). */
  ignoredKeys: string[];
}

const NAME = "cinder-credentials-stay-secret";
/** The output that carries the connection's credentials; the SDK lists it in `additionalSecretOutputs`. */
export const CREDENTIALS_OUTPUT = "credentials";
const CONFIG = policyConfig<CredentialsStaySecretConfig>(
  {
    credentialKeyPattern: "(^|_)(password|passwd|username|secret|keyring|token)(_|$)",
    ignoredKeys: ["secret_uuid", "secret_type"],
  },
  {
    credentialKeyPattern: {
      type: "string",
      description: "Regular expression (searched, case-insensitive) for keys holding credentials.",
    },
    ignoredKeys: stringList("Keys matching credentialKeyPattern that are not credentials."),
  },
);

/**
 * Over the stack's outputs: every VolumeAttachment must keep `credentials` in `additionalSecretOutputs`
 * (so the engine encrypts it in the state), and no property outside `additionalSecretOutputs`
 * (`connectionInfo` above all) may carry a key that looks like a credential. Mandatory by default.
 *
 * `@pulumi/policy` 1.21 unwraps secrets before a policy sees the values, so whether a value is secret
 * cannot be read from it; `additionalSecretOutputs` is what makes the engine mark the output secret.
 */
export const credentialsStaySecret: StackValidationPolicy = {
  name: NAME,
  description:
    "Attachment credentials (auth_username, auth_password, ...) must stay secret: only in the credentials output, which must stay in additionalSecretOutputs.",
  enforcementLevel: "mandatory",
  configSchema: CONFIG.schema,
  validateStack: validateAttachments((args, reportViolation) => {
    const config = CONFIG.read(args);
    let pattern: RegExp;
    try {
      pattern = new RegExp(config.credentialKeyPattern, "i");
    } catch (err) {
      const reason = err instanceof Error ? err.message : String(err);
      throw new Error(`policy ${NAME}: config credentialKeyPattern ${show(config.credentialKeyPattern)}: ${reason}`);
    }
    const isCredential = (key: string): boolean => pattern.test(key) && !config.ignoredKeys.includes(key);
    for (const resource of args.resources) {
      const secretOutputs = resource.opts.additionalSecretOutputs;
      if (!secretOutputs.includes(CREDENTIALS_OUTPUT)) {
        reportViolation(
          message({
            resource: resource.name,
            property: "additionalSecretOutputs",
            found: show(secretOutputs),
            problem: `it lacks ${show(CREDENTIALS_OUTPUT)}, so the engine stores the connection credentials (auth_username, auth_password, ...) in plain text in the state`,
            fix: `keep ${show(CREDENTIALS_OUTPUT)} in additionalSecretOutputs: do not remove it with a transform, and create attachments with the VolumeAttachment class`,
          }),
          resource.urn,
        );
      }
      for (const path of exposedCredentials(resource, secretOutputs, isCredential)) {
        reportViolation(
          message({
            resource: resource.name,
            property: path,
            found: "a value (not shown here)",
            problem: "it looks like a credential and is stored in plain text, outside the secret credentials output",
            fix: `move it into the ${show(CREDENTIALS_OUTPUT)} output (a provider bug if the provider put it there), or list the property in additionalSecretOutputs`,
          }),
          resource.urn,
        );
      }
    }
  }),
};

/** Paths of non-empty, credential-looking keys in the resource's properties that are not secret outputs. */
function exposedCredentials(
  resource: PolicyResource,
  secretOutputs: readonly string[],
  isCredential: (key: string) => boolean,
): string[] {
  const props = resource.props as Props;
  const found: string[] = [];
  for (const key of Object.keys(props)) {
    if (key.startsWith("__") || key === CREDENTIALS_OUTPUT || secretOutputs.includes(key)) continue;
    walk(
      ifKnown(() => props[key]),
      key,
      isCredential,
      found,
    );
  }
  return found;
}

function walk(value: unknown, path: string, isCredential: (key: string) => boolean, found: string[]): void {
  if (value === null || typeof value !== "object") return;
  const container = value as Props;
  // Read entry by entry: in a preview one entry may be unknown while the others are known.
  for (const key of Object.keys(container)) {
    const itemPath = Array.isArray(value) ? `${path}[${key}]` : `${path}.${key}`;
    const item = ifKnown(() => container[key]);
    if (item === undefined || item === null || item === "") continue;
    if (!Array.isArray(value) && isCredential(key)) {
      found.push(itemPath);
    } else {
      walk(item, itemPath, isCredential, found);
    }
  }
}
