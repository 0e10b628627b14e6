/** Every policy of the pack, in the order they are documented in policy/README.md. */
import type { Policies } from "@pulumi/policy";
import { allowedConnectorHosts } from "./allowedConnectorHosts";
import { credentialsStaySecret } from "./credentialsStaySecret";
import { fullAttachNamesInstance } from "./fullAttachNamesInstance";
import { incompleteAttachment } from "./incompleteAttachment";
import { mountpointRules } from "./mountpointRules";
import { multipathRequired } from "./multipathRequired";
import { oneAttachmentPerInstance } from "./oneAttachmentPerInstance";
import { protectedVolumes } from "./protectedVolumes";
import { sharedVolumeReadOnly } from "./sharedVolumeReadOnly";
import { singleAttachmentPerVolume } from "./singleAttachmentPerVolume";
import { volumeById } from "./volumeById";

export {
  allowedConnectorHosts,
  credentialsStaySecret,
  fullAttachNamesInstance,
  incompleteAttachment,
  mountpointRules,
  multipathRequired,
  oneAttachmentPerInstance,
  protectedVolumes,
  sharedVolumeReadOnly,
  singleAttachmentPerVolume,
  volumeById,
};
export {
  NOT_AN_ATTACHMENT,
  PLUGIN_VOLUME_ATTACHMENT_TYPE,
  VOLUME_ATTACHMENT_TYPE,
  VOLUME_ATTACHMENT_TYPES,
  isVolumeAttachment,
  message,
} from "./common";

/** The pack's policies. */
export const policies: Policies = [
  allowedConnectorHosts,
  sharedVolumeReadOnly,
  multipathRequired,
  fullAttachNamesInstance,
  singleAttachmentPerVolume,
  oneAttachmentPerInstance,
  credentialsStaySecret,
  incompleteAttachment,
  mountpointRules,
  volumeById,
  protectedVolumes,
];
