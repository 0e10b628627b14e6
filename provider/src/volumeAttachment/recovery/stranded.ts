/**
 * A volume left `reserved` (or `attaching`) while no attachment holds it: Cinder reserved it, then
 * failed. It is reset with the admin action os-reset_status where the caller may; otherwise the error
 * gives the exact command an administrator runs.
 */
import type { CinderClient } from "../../cinder/client";
import { listAttachments } from "../../cinder/attachments";
import { sleep, untilAnswered } from "../../cinder/retry";
import { getVolume, resetVolumeStatus } from "../../cinder/volumes/requests";
import type { ReliabilityOptions } from "../../config/reliability";
import { errorMessage } from "../../errors";
import { StrandedVolumeError } from "../errors";

/**
 * Resets a volume that is `reserved` (or `attaching`) while none of its attachments is, to
 * `available` (or `in-use` when others are attached). Looks twice, half a second apart, so as not to
 * step into Cinder's own reserve. Resolves the status it released, or undefined when there was none.
 * @throws StrandedVolumeError with the command an administrator runs, when the reset is refused.
 */
export async function releaseStrandedReservation(
  client: CinderClient,
  volumeId: string,
  deadline: number,
  options: ReliabilityOptions,
): Promise<string | undefined> {
  const stranded = async () => {
    const volume = await untilAnswered(() => getVolume(client, volumeId), deadline, options.pollIntervalMs);
    if (volume.status !== "reserved" && volume.status !== "attaching") return undefined;
    const attachments = await listAttachments(client, { volumeId });
    if (attachments.some((a) => ["reserved", "attaching", "detaching"].includes(a.status))) return undefined;
    return { status: volume.status, attached: attachments.some((a) => a.status === "attached") };
  };
  if (!(await stranded())) return undefined;
  await sleep(500);
  const state = await stranded();
  if (!state) return undefined;
  try {
    await resetVolumeStatus(
      client,
      volumeId,
      state.attached ? { status: "in-use" } : { status: "available", attachStatus: "detached" },
    );
  } catch (err) {
    const command = state.attached
      ? `cinder reset-state --state in-use ${volumeId}`
      : `cinder reset-state --state available --attach-status detached ${volumeId}`;
    throw new StrandedVolumeError(volumeId, state.status, command, errorMessage(err));
  }
  return state.status;
}
