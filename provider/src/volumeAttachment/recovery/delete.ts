/**
 * Deleting an attachment (attachment-delete): an attachment already gone counts as deleted. When
 * Cinder's answer is lost or a 5xx, the attachment is looked up: gone means deleted, `error_detaching`
 * is reported as such.
 *
 * Without service credentials a 500 is not resent blindly: it is Cinder's OSSA-2023-003 refusal (no
 * Nova to ask) when the attachment is instance-bound and connected, and then it is reported at once;
 * for any other attachment it is Cinder's own failure, and the delete is sent again.
 */
import type { CinderClient } from "../../cinder/client";
import { deleteAttachment, getAttachment } from "../../cinder/attachments";
import { isDeleteRefusal } from "../../cinder/attachments/refusals";
import { isAttachmentFailureStatus } from "../../cinder/attachments/wait";
import { CinderWaitError, isAmbiguous, isCinderStatus } from "../../cinder/errors";
import { errorMessage } from "../../errors";
import { AttachmentDeleteRefusedError } from "../errors";

/** Deletes the attachment `id`, finding out what happened when the answer leaves it open. */
export async function deleteWithRecovery(client: CinderClient, id: string): Promise<void> {
  const refusable = !client.actsAsService;
  try {
    await deleteAttachment(client, id, { resendAfter500: !refusable });
  } catch (err) {
    if (isCinderStatus(err, 404)) return;
    if (!isAmbiguous(err)) throw refusable && isDeleteRefusal(err) ? new AttachmentDeleteRefusedError(id, err) : err;
    // A 500 is both Cinder's refusal without Nova (OSSA-2023-003) and its own failure: look first.
    const left = await getAttachment(client, id).catch((lookup: unknown) => {
      if (isCinderStatus(lookup, 404)) return undefined;
      throw err;
    });
    if (!left) return;
    if (isAttachmentFailureStatus(left.status)) {
      throw new CinderWaitError(
        `deleting attachment ${id} failed (${errorMessage(err)}) and Cinder shows it ${left.status}; see the ` +
          `cinder-volume log, then run the destroy again or \`cinder attachment-delete ${id}\``,
        left.status,
      );
    }
    const mayBeRefused = left.instanceUuid !== undefined && left.connectionInfo !== undefined;
    if (refusable && isCinderStatus(err, 500) && !mayBeRefused) {
      return deleteAgain(client, id);
    }
    throw refusable && mayBeRefused && isDeleteRefusal(err) ? new AttachmentDeleteRefusedError(id, err) : err;
  }
}

/** A second attachment-delete after a 500 that cannot have been a refusal, with the client's retries. */
async function deleteAgain(client: CinderClient, id: string): Promise<void> {
  try {
    await deleteAttachment(client, id);
  } catch (err) {
    if (!isCinderStatus(err, 404)) throw err;
  }
}
