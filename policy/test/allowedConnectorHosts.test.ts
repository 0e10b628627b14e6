import { allowedConnectorHosts } from "../policies";
import { UNKNOWN_STRING, fullAttach, runResourcePolicy } from "./harness";

const config = { allowedHosts: ["compute-1"], allowedHostPatterns: ["db-\\d+"] };

test("a listed host passes, compared case-insensitively", async () => {
  const run = await runResourcePolicy(allowedConnectorHosts, { props: fullAttach("Compute-1") }, config);
  expect(run.messages).toEqual([]);
  expect(run.notApplicable).toBeUndefined();
});

test("a host matching a pattern passes; the pattern must match the whole name", async () => {
  expect((await runResourcePolicy(allowedConnectorHosts, { props: fullAttach("db-12") }, config)).messages).toEqual([]);
  const partial = await runResourcePolicy(allowedConnectorHosts, { props: fullAttach("db-12.evil") }, config);
  expect(partial.messages).toHaveLength(1);
});

test("a host neither listed nor matching is reported with the value, the allowed hosts and the fix", async () => {
  const run = await runResourcePolicy(allowedConnectorHosts, { name: "data", props: fullAttach("rogue-7") }, config);
  expect(run.messages).toEqual([
    'VolumeAttachment "data": connector.host is "rogue-7": not an allowed host (allowed: "compute-1", /db-\\d+/). ' +
      'Fix: connect the volume to an allowed host, or add "rogue-7" to allowedHosts (or a matching allowedHostPatterns entry) in the cinder-allowed-connector-hosts policy config.',
  ]);
});

test("a connector without a host is reported when hosts are restricted", async () => {
  const props = fullAttach("x");
  props.connector = { initiator: "iqn.1993-08.org.debian:01:x", ip: "192.0.2.1", multipath: true };
  const run = await runResourcePolicy(allowedConnectorHosts, { name: "nohost", props }, config);
  expect(run.messages).toEqual([
    'VolumeAttachment "nohost": connector.host is (not set): a connector must name its host so it can be checked against the allowed hosts ("compute-1", /db-\\d+/). Fix: set connector.host to the host\'s name.',
  ]);
});

test("is not applicable until allowed hosts are configured, nor to reservations", async () => {
  const unconfigured = await runResourcePolicy(allowedConnectorHosts, { props: fullAttach("rogue-7") });
  expect(unconfigured).toMatchObject({
    messages: [],
    notApplicable: "no allowedHosts or allowedHostPatterns configured",
  });
  const reservation = await runResourcePolicy(
    allowedConnectorHosts,
    { props: { volumeId: "v", instanceUuid: "83ec2e3b-4321-422b-8706-a84185f52a0a", complete: false } },
    config,
  );
  expect(reservation).toMatchObject({ messages: [], notApplicable: "a reservation (no connector) connects no host" });
});

test("only applies to volume attachments (either type token)", async () => {
  const run = await runResourcePolicy(
    allowedConnectorHosts,
    { type: "pulumi-nodejs:dynamic:Resource", props: fullAttach("rogue-7") },
    config,
  );
  expect(run.messages).toEqual([]);
  expect(run.notApplicable).toBe(
    "Policy only applies to volume attachments ('pulumi-nodejs:dynamic/cinder:VolumeAttachment', 'cinder:index:VolumeAttachment')",
  );
});

test("an invalid pattern fails with the policy, key and pattern named", async () => {
  await expect(
    runResourcePolicy(allowedConnectorHosts, { props: fullAttach("x") }, { allowedHostPatterns: ["db-("] }),
  ).rejects.toThrow(
    /^policy cinder-allowed-connector-hosts: config allowedHostPatterns has an invalid regular expression "db-\("/,
  );
});

test("a host unknown in a preview is left to the server's can't-run-during-preview note", async () => {
  const props = fullAttach("x");
  props.connector = { host: UNKNOWN_STRING, multipath: true };
  const run = await runResourcePolicy(allowedConnectorHosts, { props }, config);
  expect(run.messages).toEqual([]);
  expect(run.unknown).toBe("string value at .connector.host can't be known during preview");
});
