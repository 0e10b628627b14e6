/** Turning a Cinder attachment into VolumeAttachment outputs, with credentials split off as secrets. */
import type { Attachment } from "../cinder/attachments/schemas";
import type { VolumeAttachmentInputs, VolumeAttachmentOutputs } from "./shape";

/** Connection-info keys that hold credentials: `auth_password`, `discovery_auth_username`, `keyring`, ... */
const CREDENTIAL_KEY = /(^|_)(password|username|secret|keyring|token)(_|$)/i;

/** True when a connection-info key holds a credential (and so must only be a secret output). */
export function isCredentialKey(key: string): boolean {
  return CREDENTIAL_KEY.test(key) && !/^secret_(uuid|type)$/.test(key);
}

/** Splits connection info into its plain part and its credentials. */
export function splitConnectionInfo(info: Readonly<Record<string, unknown>>): {
  driverVolumeType?: string;
  connectionInfo: Record<string, unknown>;
  credentials: Record<string, string>;
} {
  const connectionInfo: Record<string, unknown> = {};
  const credentials: Record<string, string> = {};
  let driverVolumeType: string | undefined;
  for (const [key, value] of Object.entries(info)) {
    if (key === "driver_volume_type" && typeof value === "string") {
      driverVolumeType = value;
    } else if (isCredentialKey(key)) {
      if (value !== null && value !== undefined) {
        credentials[key] = typeof value === "string" ? value : JSON.stringify(value);
      }
    } else {
      connectionInfo[key] = value;
    }
  }
  return { driverVolumeType, connectionInfo, credentials };
}

/** Facts about the attachment that the attachment itself does not carry. */
export interface OutputContext {
  /** The volume's name, when the input named it. */
  volumeName?: string;
  /** The status to report when the response's is known to lag (full create answers `reserved`). */
  status?: string;
  /** Connection info from an earlier answer, for responses that do not repeat it. */
  previous?: VolumeAttachmentOutputs;
}

/** The outputs of a VolumeAttachment whose attachment Cinder describes as `attachment`. */
export function toOutputs(
  inputs: VolumeAttachmentInputs,
  attachment: Attachment,
  context: OutputContext = {},
): VolumeAttachmentOutputs {
  const outputs: VolumeAttachmentOutputs = {
    ...inputs,
    attachmentId: attachment.id,
    volumeId: attachment.volumeId,
    status: context.status ?? attachment.status,
  };
  setIfDefined(outputs, "volumeName", context.volumeName ?? context.previous?.volumeName);
  setIfDefined(outputs, "instanceUuid", attachment.instanceUuid);
  setIfDefined(outputs, "attachMode", attachment.attachMode);
  setIfDefined(outputs, "attachedAt", attachment.attachedAt);
  if (attachment.connectionInfo) {
    const split = splitConnectionInfo(attachment.connectionInfo);
    setIfDefined(outputs, "driverVolumeType", split.driverVolumeType);
    outputs.connectionInfo = split.connectionInfo;
    outputs.credentials = split.credentials;
  }
  return outputs;
}

function setIfDefined<K extends keyof VolumeAttachmentOutputs>(
  target: VolumeAttachmentOutputs,
  key: K,
  value: VolumeAttachmentOutputs[K] | undefined,
): void {
  if (value !== undefined) target[key] = value;
}
