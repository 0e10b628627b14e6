/**
 * Responses recorded from the real local Cinder (test/contract/record.test.ts with RECORD=1),
 * scrubbed of IDs and credentials, replayed by unit tests.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";

/** The folder of recorded fixtures. */
export const FIXTURE_DIR = join(__dirname, "..", "fixtures", "cinder");

/**
 * The connector the recordings were made with (test/contract/record.test.ts): unit tests that replay
 * them send the same one, so that requests and recorded answers agree.
 */
export const RECORDING_CONNECTOR = {
  initiator: "iqn.1993-08.org.debian:01:record",
  ip: "127.0.0.1",
  host: "record-host",
  platform: "x86_64",
  osType: "linux2",
  multipath: false,
};

/** One recorded exchange. */
export interface Fixture {
  request: { method: string; path: string; microversion?: string; body?: unknown };
  response: { status: number; requestId?: string; body: unknown };
}

/** Loads `test/fixtures/cinder/<name>.json`. */
export function loadFixture(name: string): Fixture {
  return JSON.parse(readFileSync(join(FIXTURE_DIR, `${name}.json`), "utf8")) as Fixture;
}

const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g;
const REQUEST_ID = /req-[0-9a-f-]{36}/g;
const SECRET_FIELD = /"((?:discovery_)?auth_(?:username|password))"\s*:\s*"[^"]*"/g;

/**
 * Replaces IDs by stable placeholders (the same ID, the same placeholder, across all fixtures of one
 * recording) and credential values by fixed fakes.
 */
export class Scrubber {
  private readonly ids = new Map<string, string>();

  scrub(text: string): string {
    return text
      .replace(REQUEST_ID, "req-00000000-0000-4000-8000-000000000000")
      .replace(UUID, (id) => (id === "00000000-0000-4000-8000-000000000000" ? id : this.placeholder(id)))
      .replace(SECRET_FIELD, (_match, key: string) => `"${key}": "scrubbed-${key.replace(/_/g, "-")}"`);
  }

  private placeholder(id: string): string {
    let placeholder = this.ids.get(id);
    if (!placeholder) {
      placeholder = `00000000-0000-4000-8000-${String(this.ids.size + 1).padStart(12, "0")}`;
      this.ids.set(id, placeholder);
    }
    return placeholder;
  }
}
