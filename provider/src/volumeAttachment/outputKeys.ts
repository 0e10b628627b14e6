/**
 * The keys of a VolumeAttachment's state, for the SDK: the program declares them on the resource
 * without loading the schemas (and zod) of shape.ts. The compiler holds the list to the shape: a key
 * missing from it, or one the shape does not have, fails the build.
 */
import type { VolumeAttachmentOutputs } from "./shape";

const KEYS: Readonly<Record<keyof VolumeAttachmentOutputs, true>> = {
  volumeId: true,
  instanceUuid: true,
  connector: true,
  mode: true,
  complete: true,
  attachmentId: true,
  volumeName: true,
  status: true,
  attachMode: true,
  attachedAt: true,
  driverVolumeType: true,
  connectionInfo: true,
  credentials: true,
};

/** Every key of a VolumeAttachment's state (inputs and outputs). */
export const OUTPUT_KEYS = Object.freeze(Object.keys(KEYS)) as readonly (keyof VolumeAttachmentOutputs)[];

/** Output properties whose values are credentials: stored encrypted, shown only with `--show-secrets`. */
export const SECRET_OUTPUTS = ["credentials"] as const satisfies readonly (keyof VolumeAttachmentOutputs)[];
