/**
 * The setup and teardown an e2e file shares with the others: before its tests, an observer of the
 * local Cinder (admin, outside the provider under test); after them, every volume the file created
 * is detached and deleted, whatever the tests left.
 *
 * ```typescript
 * const suite = cinderSuite("e2e-iscsi");
 * test("...", async () => {
 *   const volume = await suite.createVolume();
 *   expect(await suite.cinder.attachments(volume.id)).toEqual([]);
 * });
 * ```
 */
import type { Volume } from "../../../provider/src/cinder/volumes/schemas";
import { TestVolumes } from "../../support/stack";
import { CinderState } from "./cinderState";

/** What {@link cinderSuite} gives the tests of one file. */
export interface CinderSuite {
  /** The local Cinder as an observer sees it; connected before the file's first test. */
  readonly cinder: CinderState;
  /**
   * Creates an available 1 GiB test volume (named after the suite's prefix unless `name` is given),
   * removed with its attachments after the file's tests.
   */
  createVolume(options?: Parameters<TestVolumes["create"]>[1]): Promise<Volume>;
}

/**
 * Registers the file's `beforeAll` (connect the observer) and `afterAll` (clean up its volumes).
 * Call it once, at the top level of a test file.
 * @param volumePrefix Names the file's volumes, so that a leftover tells which file made it.
 */
export function cinderSuite(volumePrefix: string): CinderSuite {
  const volumes = new TestVolumes(volumePrefix);
  let observer: CinderState | undefined;
  const connected = (): CinderState => {
    if (!observer) throw new Error("cinderSuite: the Cinder observer is connected in beforeAll, use it inside tests");
    return observer;
  };
  beforeAll(async () => {
    observer = await CinderState.connect();
  });
  afterAll(async () => {
    if (observer) await volumes.cleanup(observer.client);
  });
  return {
    get cinder() {
      return connected();
    },
    createVolume: (options) => volumes.create(connected().client, options),
  };
}
