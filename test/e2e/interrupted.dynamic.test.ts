/**
 * Killed deployments of the dynamic provider (a TypeScript program, examples/iscsi-attach): each kill
 * point and its recovery, as support/interrupted.ts describes them.
 */
import { interruptedSuite } from "./support/interrupted";

jest.setTimeout(600_000);

interruptedSuite({
  name: "dynamic provider",
  section: "interrupted-dynamic",
  example: "iscsi-attach",
  program: "TypeScript",
});
