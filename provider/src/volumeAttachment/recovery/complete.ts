/**
 * Completing an attachment (os-complete, 3.44) when the answer may be lost: os-complete only sets a
 * status, so sending it again does nothing twice, but it is sent again only after a look shows the
 * attachment is not `attached` yet.
 */
import type { CinderClient } from "../../cinder/client";
import { completeAttachment, getAttachment } from "../../cinder/attachments";
import { isAttachmentFailureStatus } from "../../cinder/attachments/wait";
import { CinderWaitError, isAmbiguous, isCinderStatus } from "../../cinder/errors";
import { again, repeat, settled } from "../../cinder/repeat";
import { backoffMs, isUnanswered, untilAnswered } from "../../cinder/retry";
import type { ReliabilityOptions } from "../../config/reliability";
import { errorMessage } from "../../errors";

/**
 * Completes the attachment. When the answer is lost, looks whether it is `attached` now, and sends
 * os-complete again only when it is not, within the client's retry policy.
 */
export async function completeVerified(client: CinderClient, id: string, options: ReliabilityOptions): Promise<void> {
  try {
    await completeAttachment(client, id);
  } catch (err) {
    if (!isAmbiguous(err)) throw err;
    const deadline = Date.now() + options.waitTimeoutMs;
    const attachment = await untilAnswered(() => getAttachment(client, id), deadline, options.pollIntervalMs);
    if (attachment.status === "attached") return;
    if (isAttachmentFailureStatus(attachment.status)) {
      throw new CinderWaitError(
        `completing attachment ${id} got no answer (${errorMessage(err)}) and Cinder shows it ${attachment.status}`,
        attachment.status,
      );
    }
    // The first send is spent: the rest of the client's attempts go to resends.
    await repeat(
      async () => {
        try {
          return settled(await completeAttachment(client, id));
        } catch (resent) {
          if (!isUnanswered(resent) && !isCinderStatus(resent, 500)) throw resent;
          return again<void>(resent);
        }
      },
      {
        pauseMs: (retry) => backoffMs(client.retry, retry + 1),
        maxAttempts: Math.max(1, client.retry.maxAttempts - 1),
      },
    );
  }
}
