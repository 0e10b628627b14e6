/**
 * The fewest Cinder requests each engine command can take, per face and N: the one place the bench
 * and its smoke test take the expected counts from (with {@link OP_INFO}'s per-operation minima in
 * operations.ts, which build on {@link REQUESTS_BEFORE_CREATE} too).
 */
import type { EngineFace } from "./pluginEngine";

/** The engine commands the bench runs, in the order of one cycle. */
export const ENGINE_COMMANDS = ["up", "preview", "refresh", "destroy"] as const;
export type EngineCommand = (typeof ENGINE_COMMANDS)[number];

/**
 * Requests a create with an `instanceUuid` sends before its POST: the orphan check of issue #17
 * (`GET /attachments/detail?volume_id=`, the volume's attachments, right before the POST).
 */
export const REQUESTS_BEFORE_CREATE = 1;

/**
 * Whether the bench's engine programs give their attachments an `instanceUuid` (they do not: a
 * connected, instance-bound attachment can only be deleted with a service token, see
 * docs/local-openstack notes on OSSA-2023-003), so {@link REQUESTS_BEFORE_CREATE} applies to them only if true.
 */
export const ENGINE_PROGRAMS_HAVE_INSTANCE = false;

/** Requests by kind (`METHOD /path` with IDs folded to `{id}` and the query left out), as the proxy counts them. */
export type RequestsByKind = Record<string, number>;

/** The kinds of request the engine's commands send. */
export const KIND = {
  discovery: "GET /",
  create: "POST /v3/attachments",
  action: "POST /v3/attachments/{id}/action",
  read: "GET /v3/attachments/{id}",
  list: "GET /v3/attachments/detail",
  delete: "DELETE /v3/attachments/{id}",
} as const;

/**
 * The fewest requests `command` of N attachments (each with a connector, completed) takes through
 * `face`:
 * - up: one version discovery (the check of new inputs asks the server's microversions, once per
 *   provider process), then per attachment a create (after {@link REQUESTS_BEFORE_CREATE} lookups
 *   when it has an instance) and an os-complete;
 * - preview with no change: nothing (check takes the recorded inputs' gates, diff needs no request);
 * - refresh with nothing changed: one read per attachment;
 * - destroy: one delete per attachment.
 * Both faces run the same core: the face is an argument so that a face of its own can differ here.
 */
export function minimalRequests(face: EngineFace, command: EngineCommand, n: number): RequestsByKind {
  void face;
  const lookups = ENGINE_PROGRAMS_HAVE_INSTANCE ? REQUESTS_BEFORE_CREATE : 0;
  const byKind: RequestsByKind = {};
  switch (command) {
    case "up":
      byKind[KIND.discovery] = 1;
      if (lookups > 0) byKind[KIND.list] = lookups * n;
      byKind[KIND.create] = n;
      byKind[KIND.action] = n;
      break;
    case "preview":
      break;
    case "refresh":
      byKind[KIND.read] = n;
      break;
    case "destroy":
      byKind[KIND.delete] = n;
      break;
  }
  return Object.fromEntries(Object.entries(byKind).filter(([, count]) => count > 0));
}

/** The total of {@link minimalRequests}. */
export function minimalTotal(face: EngineFace, command: EngineCommand, n: number): number {
  return Object.values(minimalRequests(face, command, n)).reduce((sum, count) => sum + count, 0);
}
