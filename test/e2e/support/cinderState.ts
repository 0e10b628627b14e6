/**
 * What the local Cinder holds, observed from outside the provider under test: its admin API, and
 * (read-only) its database for what the API does not show, such as the connector Cinder recorded.
 * The cinder CLI (test/support/cinderCli.ts) is the other independent witness.
 */
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { type Attachment, listAttachments } from "../../../provider/src/cinder/attachments";
import type { CinderClient } from "../../../provider/src/cinder/client";
import { getVolume } from "../../../provider/src/cinder/volumes/requests";
import { adminClient, stackEnv, waitForVolume } from "../../support/stack";

const run = promisify(execFile);

/** The connector Cinder stored for an attachment (column `connector`) and the host it derived. */
export interface RecordedConnector {
  connector: Record<string, unknown> | null;
  attachedHost: string | null;
}

/**
 * Reads one attachment's connector from the stack's PostgreSQL database (a read-only transaction), with
 * Debian's python3 and python3-psycopg2, which the stack installs.
 */
const READ_CONNECTOR = `
import json, sys, psycopg2
db = psycopg2.connect(sys.argv[1])
db.set_session(readonly=True)
cur = db.cursor()
cur.execute("select connector, attached_host from volume_attachment where id = %s and not deleted", (sys.argv[2],))
row = cur.fetchone()
print(json.dumps(None if row is None else {"connector": json.loads(row[0]) if row[0] else None, "attachedHost": row[1]}))
`;

/** The local Cinder as an observer sees it. */
export class CinderState {
  private constructor(readonly client: CinderClient) {}

  /** Connects as admin (service role asserted) to the local noauth Cinder. */
  static async connect(): Promise<CinderState> {
    return new CinderState(await adminClient());
  }

  /** The volume's attachments, as Cinder lists them. */
  attachments(volumeId: string): Promise<Attachment[]> {
    return listAttachments(this.client, { volumeId });
  }

  /** The volume's status (`available`, `reserved`, `attaching`, `in-use`, ...). */
  async volumeStatus(volumeId: string): Promise<string> {
    return (await getVolume(this.client, volumeId)).status;
  }

  /** Waits until the volume has `status` (Cinder settles some transitions asynchronously). */
  async waitForVolume(volumeId: string, status: string): Promise<string> {
    return (await waitForVolume(this.client, volumeId, status, 30_000)).status;
  }

  /** The connector Cinder recorded for the attachment; undefined when there is no such attachment. */
  async recordedConnector(attachmentId: string): Promise<RecordedConnector | undefined> {
    const database = stackEnv().CINDER_DATABASE_URL;
    if (!database) throw new Error("CINDER_DATABASE_URL is missing from .local/stack/env.json: restart the stack");
    const { stdout } = await run("/usr/bin/python3", ["-c", READ_CONNECTOR, database, attachmentId]);
    return (JSON.parse(stdout) as RecordedConnector | null) ?? undefined;
  }
}
