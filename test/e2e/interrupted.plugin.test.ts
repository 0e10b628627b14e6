/**
 * Killed deployments of the resource plugin (a Pulumi YAML program, examples/yaml-iscsi-attach): each
 * kill point and its recovery, as support/interrupted.ts describes them.
 */
import { interruptedSuite } from "./support/interrupted";

jest.setTimeout(600_000);

interruptedSuite({
  name: "resource plugin",
  section: "interrupted-plugin",
  example: "yaml-iscsi-attach",
  program: "YAML",
});
