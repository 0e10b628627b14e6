/**
 * Cinder's attachments API (attach/detach V2), microversion 3.27 and later.
 *
 * ```typescript
 * const client = await CinderClient.connect({ endpoint, auth: noAuthSession({ userId: "admin", projectId: "admin" }) });
 * const reserved = await createAttachment(client, { volumeId, instanceUuid });            // volume: reserved
 * const connected = await updateAttachment(client, reserved.id, { initiator, ip, host }); // connection info
 * await completeAttachment(client, reserved.id);                                          // 3.44: in-use
 * await deleteAttachment(client, reserved.id);                                            // available again
 * ```
 */
export * from "./connector";
export * from "./requests";
export * from "./schemas";
export * from "./urls";
