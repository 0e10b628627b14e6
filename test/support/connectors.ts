/** Connectors for tests that call the operations directly (the engine would have checked them). */
import { type CheckedConnector, connectorSchema } from "../../provider/src/cinder/attachments/connector";

/** The defaults `check` fills into a connector (`platform`, `osType`, `multipath`), read from the schema. */
export const CONNECTOR_DEFAULTS = connectorSchema().parse({});

/** `fields` as `check` would return them: validated, defaults filled. */
export function checkedConnector(fields: Record<string, unknown>): CheckedConnector {
  return connectorSchema().parse(fields);
}
