/** One volume is attached to one instance by one attachment of the stack. */
import type { StackValidationPolicy } from "@pulumi/policy";
import { byVolume, ifKnown, message, show, stackAttachments, str, validateAttachments } from "./common";

const NAME = "cinder-one-attachment-per-instance";

/**
 * No two attachments in the stack may attach the same volume to the same instance, multiattach or
 * not. Cinder allows it (Nova does it for a live migration, briefly), but a stack that declares it
 * has two resources whose attachments Cinder cannot tell apart: after an interrupted `up`, the
 * provider could not know which of them an attachment left in the making belongs to. Mandatory.
 */
export const oneAttachmentPerInstance: StackValidationPolicy = {
  name: NAME,
  description: "No two attachments in the stack may attach the same volume to the same instance.",
  enforcementLevel: "mandatory",
  validateStack: validateAttachments((args, reportViolation) => {
    for (const [volume, attachments] of byVolume(stackAttachments(args.resources))) {
      const byInstance = new Map<string, typeof attachments>();
      for (const attachment of attachments) {
        const instance = ifKnown(() => str(attachment.resource.props, "instanceUuid"));
        if (instance === undefined) continue;
        byInstance.set(instance, [...(byInstance.get(instance) ?? []), attachment]);
      }
      for (const [instance, group] of byInstance) {
        if (group.length < 2) continue;
        const names = group.map((a) => `"${a.name}"`).join(", ");
        for (const attachment of group) {
          reportViolation(
            message({
              resource: attachment.name,
              property: "instanceUuid",
              found: show(instance),
              problem: `${group.length} attachments in this stack (${names}) attach volume ${show(volume)} to this instance, and an attachment of one could not be told from the other's`,
              fix: "declare one attachment per volume and instance (a new host for the instance is a connector change of that one attachment)",
            }),
            attachment.urn,
          );
        }
      }
    }
  }),
};
