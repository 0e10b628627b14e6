/**
 * Microversion gates are decided before the first write: `check` (run by preview) refuses `mode`
 * below 3.54 and `complete: true` below 3.44, and below 3.44 `complete` defaults to false; `create`
 * refuses them again before it sends anything. Cinder is asked (its version document, once per
 * process) only for gates neither the configured cap nor the inputs recorded by a previous check decide.
 */
import { type Capabilities, checkInputs } from "../../provider/src/volumeAttachment/check";
import { AttachmentOperations } from "../../provider/src/volumeAttachment/operations";
import { FakeCinderPerTest } from "../support/fakeCinder";

const VOLUME = "11111111-2222-4333-8444-555555555555";
const CONNECTOR = { initiator: "iqn.1993-08.org.debian:01:gates", ip: "192.0.2.10", host: "gates" };

const at = (maxMicroversion: string, complete: boolean, mode: boolean): Capabilities => ({
  maxMicroversion,
  complete,
  mode,
});

describe("checkInputs with what the server offers", () => {
  test("mode below 3.54 fails on mode, naming the microversion and the fix", () => {
    const { failures } = checkInputs({ volumeId: VOLUME, connector: CONNECTOR, mode: "ro" }, at("3.44", true, false));
    expect(failures.map((f) => f.property)).toEqual(["mode"]);
    expect(failures[0]?.reason).toMatch(/3\.54.*up to 3\.44.*leave mode out, or raise maxMicroversion/);
  });

  test("complete: true below 3.44 fails on complete; left out, it defaults to false", () => {
    const explicit = checkInputs({ volumeId: VOLUME, connector: CONNECTOR, complete: true }, at("3.27", false, false));
    expect(explicit.failures.map((f) => f.property)).toEqual(["complete"]);
    expect(explicit.failures[0]?.reason).toMatch(/3\.44.*os-complete.*up to 3\.27.*stays attaching/);
    const implicit = checkInputs({ volumeId: VOLUME, connector: CONNECTOR }, at("3.27", false, false));
    expect(implicit.failures).toEqual([]);
    expect(implicit.inputs.complete).toBe(false);
  });

  test("from 3.44 a connector's complete defaults to true, and 3.54 takes a mode", () => {
    const { inputs, failures } = checkInputs(
      { volumeId: VOLUME, connector: CONNECTOR, mode: "ro" },
      at("3.70", true, true),
    );
    expect(failures).toEqual([]);
    expect(inputs).toMatchObject({ complete: true, mode: "ro" });
  });
});

describe("the operations' gates against a Cinder capped by maxMicroversion", () => {
  const fakes = new FakeCinderPerTest();
  const operations = async (cap?: string) => {
    const fake = await fakes.start([]);
    const env = { CINDER_ENDPOINT: fake.endpoint, OS_AUTH_TYPE: "noauth", OS_VOLUME_API_VERSION: cap };
    return { fake, ops: AttachmentOperations.fromConfig(() => undefined, env) };
  };

  test("check (what preview runs) refuses mode under a 3.44 cap with only version discovery sent", async () => {
    const { fake, ops } = await operations("3.44");
    const { failures } = await ops.check({ volumeId: VOLUME, connector: CONNECTOR, mode: "ro" });
    expect(failures.map((f) => f.property)).toEqual(["mode"]);
    expect(fake.apiRequests()).toEqual([]);
  });

  test("check under a 3.27 cap fills complete: false, and create then sends no os-complete", async () => {
    const { ops } = await operations("3.27");
    const { inputs, failures } = await ops.check({ volumeId: VOLUME, connector: CONNECTOR });
    expect(failures).toEqual([]);
    expect(inputs.complete).toBe(false);
  });

  test("create refuses complete and mode the server lacks before the first write", async () => {
    const { fake, ops } = await operations("3.27");
    await expect(
      ops.create({
        volumeId: VOLUME,
        connector: { ...CONNECTOR, platform: "x86_64", osType: "linux2", multipath: false },
        complete: true,
      }),
    ).rejects.toThrow(/os-complete.*needs volume API microversion 3\.44, but only 3\.27/);
    await expect(
      ops.create({
        volumeId: VOLUME,
        instanceUuid: "83ec2e3b-4321-422b-8706-a84185f52a0a",
        mode: "ro",
        complete: false,
      }),
    ).rejects.toThrow(/mode.*3\.54/);
    expect(fake.requests).toEqual([]);
  });

  test("the check of inputs whose gates the recorded ones passed asks Cinder nothing, and keeps complete's default", async () => {
    const { fake, ops } = await operations();
    const recorded = { volumeId: VOLUME, connector: CONNECTOR, mode: "ro", complete: true };
    const moved = { volumeId: VOLUME, connector: { ...CONNECTOR, host: "elsewhere" }, mode: "rw" };
    const { inputs, failures } = await ops.check(moved, recorded);
    expect(failures).toEqual([]);
    expect(inputs).toMatchObject({ complete: true, mode: "rw" });
    expect(fake.requests).toEqual([]);
  });

  test.each([
    ["a mode the recorded inputs had not", { volumeId: VOLUME, connector: CONNECTOR, complete: true }],
    [
      "complete where the recorded inputs had complete: false",
      { volumeId: VOLUME, connector: CONNECTOR, complete: false, mode: "ro" },
    ],
  ])("%s opens the gate again: check asks Cinder's version document", async (_name, recorded) => {
    const { fake, ops } = await operations();
    const { failures } = await ops.check({ volumeId: VOLUME, connector: CONNECTOR, mode: "ro" }, recorded);
    expect(failures).toEqual([]);
    expect(fake.requests.map((r) => `${r.method} ${r.url}`)).toEqual(["GET /"]);
  });

  test("a reservation needs no version discovery to be checked", async () => {
    const { fake, ops } = await operations("3.27");
    const { failures } = await ops.check({ volumeId: VOLUME, instanceUuid: "83ec2e3b-4321-422b-8706-a84185f52a0a" });
    expect(failures).toEqual([]);
    expect(fake.requests).toEqual([]);
  });
});

test("where Cinder cannot be reached, check still checks the form and leaves the gates to create", async () => {
  const ops = AttachmentOperations.fromConfig(() => undefined, {
    CINDER_ENDPOINT: "http://127.0.0.1:9/v3",
    OS_AUTH_TYPE: "noauth",
  });
  const { inputs, failures } = await ops.check({ volumeId: VOLUME, connector: CONNECTOR, mode: "ro" });
  expect(failures).toEqual([]);
  expect(inputs).toMatchObject({ mode: "ro", complete: true });
  const bad = await ops.check({ volumeId: VOLUME, connector: { ...CONNECTOR, initiator: "iqn.bad" } });
  expect(bad.failures.map((f) => f.property)).toEqual(["connector.initiator"]);
});

test("where Cinder cannot be reached, the first request's error names the endpoint setting (connecting sends nothing)", async () => {
  const ops = AttachmentOperations.fromConfig(() => undefined, {
    CINDER_ENDPOINT: "http://127.0.0.1:9/v3",
    OS_AUTH_TYPE: "noauth",
  });
  await expect(ops.delete("00000000-0000-4000-8000-000000000009")).rejects.toThrow(
    /no answer \(ECONNREFUSED\).*the endpoint is .*CINDER_ENDPOINT/,
  );
});
