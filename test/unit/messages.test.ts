/** What a new user reads when something is wrong: the property or setting named, what was given, the fix, once. */
import { CinderUnauthorizedError } from "../../provider/src/cinder/errors";
import { handOver } from "../../provider/src/dynamic/handOver";
import { checkInputs } from "../../provider/src/volumeAttachment/check";
import { AttachmentDeleteRefusedError, VolumeLookupError } from "../../provider/src/volumeAttachment/errors";
import { AttachmentOperations } from "../../provider/src/volumeAttachment/operations";
import { CONNECTOR_DEFAULTS } from "../support/connectors";
import { FakeCinderPerTest } from "../support/fakeCinder";

const VOLUME = "11111111-2222-4333-8444-555555555555";
const CONNECTOR = { initiator: "iqn.1993-08.org.debian:01:msg", ip: "192.0.2.10", host: "msg", ...CONNECTOR_DEFAULTS };
const fakes = new FakeCinderPerTest();

async function operationsAnswering(status: number, body: unknown) {
  const fake = await fakes.start([{ method: "POST", path: "/v3/attachments", reply: { status, body } }]);
  return AttachmentOperations.fromConfig(() => undefined, { CINDER_ENDPOINT: fake.endpoint, OS_AUTH_TYPE: "noauth" });
}

test("a nested input's failure shows the value the user gave, not only the path", () => {
  const { failures } = checkInputs({ volumeId: VOLUME, connector: { ip: "300.1.1.1", multipath: "yes" } });
  const reason = (property: string) => failures.find((f) => f.property === property)?.reason;
  expect(reason("connector.ip")).toContain('connector.ip "300.1.1.1"');
  expect(reason("connector.multipath")).toContain('got "yes"');
});

test("a well-formed volume ID that no volume has fails naming volumeId and how to check it", async () => {
  const ops = await operationsAnswering(404, {
    itemNotFound: { code: 404, message: `Volume ${VOLUME} could not be found.` },
  });
  const failure = ops.create({ volumeId: VOLUME, connector: CONNECTOR, complete: false });
  await expect(failure).rejects.toBeInstanceOf(VolumeLookupError);
  await expect(failure).rejects.toThrow(
    new RegExp(`^volumeId "${VOLUME}": no volume has this ID .*could not be found.*cinder list`),
  );
});

test("authType noauth against a Cinder that wants Keystone tokens: the 401 names authType and the Keystone settings", async () => {
  const ops = await operationsAnswering(401, "The request you have made requires authentication.");
  const failure = ops.create({ volumeId: VOLUME, connector: CONNECTOR, complete: false });
  await expect(failure).rejects.toBeInstanceOf(CinderUnauthorizedError);
  await expect(failure).rejects.toThrow(
    /requires authentication.*asks for Keystone tokens.*authType noauth.*cinder:authUrl.*OS_AUTH_URL/,
  );
});

test("Keystone out of reach at an operation's connect names the auth URL setting once", async () => {
  const ops = AttachmentOperations.fromConfig(() => undefined, {
    OS_AUTH_URL: "http://127.0.0.1:9/v3",
    OS_USERNAME: "demo",
    OS_PASSWORD: "not-used",
    OS_PROJECT_NAME: "demo",
    OS_USER_DOMAIN_NAME: "Default",
    OS_PROJECT_DOMAIN_NAME: "Default",
  });
  const failure = await ops.read("00000000-0000-4000-8000-000000000009", undefined).catch((err: Error) => err);
  expect(failure).toBeInstanceOf(Error);
  expect((failure as Error).message).toMatch(/did not answer \(ECONNREFUSED\)/);
  expect((failure as Error).message.match(/the auth URL is stack config "cinder:authUrl"/g)).toHaveLength(1);
});

describe("errors handed to the dynamic-provider host", () => {
  const printed: string[] = [];
  const original = console.error;
  beforeEach(() => {
    printed.length = 0;
    console.error = (...args: unknown[]) => printed.push(args.map(String).join(" "));
  });
  afterEach(() => {
    console.error = original;
  });

  test("one of ours is not printed again by the host with its stack and doubled class name", () => {
    const cause = Object.assign(new Error("500"), { status: 500 });
    const refused = new AttachmentDeleteRefusedError("a1", cause as never);
    const handed = handOver(refused) as Error;
    // What @pulumi/pulumi's cmd/dynamic-provider does with a delete's error before returning it:
    console.error(`${String(handed)}: ${handed.stack ?? ""}`);
    expect(handed).toBe(refused);
    expect(printed).toEqual([]);
  });

  test("any other error, and any other line, is printed as before", () => {
    const other = handOver(new TypeError("boom")) as Error;
    console.error(`${String(other)}: ${other.stack ?? ""}`);
    console.error("a line of the provider's own");
    expect(printed).toHaveLength(2);
    expect(printed[0]).toMatch(/^TypeError: boom: TypeError: boom/);
  });
});
