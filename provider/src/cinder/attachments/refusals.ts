/** What Cinder's refusals of attachment requests mean, read from its answers. */
import { CinderApiError, isCinderStatus } from "../errors";

/**
 * The volume status named by Cinder's refusal to reserve (400 "Volume ... status must be available
 * or in-use or downloading to reserve, but the current status is attaching."); undefined for any
 * other answer.
 */
export function reserveRefusalStatus(err: unknown): string | undefined {
  if (!isCinderStatus(err, 400)) return undefined;
  const match = /status must be .* to reserve, but the current status is ([a-z_-]+)/i.exec(err.faultMessage ?? "");
  return match?.[1];
}

/**
 * True when Cinder's answer to a delete is the OSSA-2023-003 refusal (bug 2004555): 409 in a cloud,
 * 500 where Nova is missing and Cinder's question to it failed.
 */
export function isDeleteRefusal(err: unknown): err is CinderApiError {
  if (!CinderApiError.isInstance(err)) return false;
  if (err.status === 409) return true;
  return err.status === 500 && (err.faultName === "computeFault" || /nova|compute/i.test(err.faultMessage ?? ""));
}
