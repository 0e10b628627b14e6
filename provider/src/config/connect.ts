/** From settings to a connected Cinder client: authentication, endpoint, microversions. */
import { noAuthSession } from "../cinder/auth";
import { CinderClient } from "../cinder/client";
import type { ConnectionSettings } from "./settings";

/** Authenticates as the settings say and connects to their Block Storage endpoint. */
export async function connectCinder(settings: ConnectionSettings): Promise<CinderClient> {
  return CinderClient.connect({
    endpoint: settings.endpoint,
    auth: noAuthSession(settings),
    maxMicroversion: settings.maxMicroversion,
    timeoutMs: settings.requestTimeoutMs,
  });
}
