/**
 * Every policy of the pack judges the resource plugin's attachment (`cinder:index:VolumeAttachment`)
 * exactly as it judges the dynamic provider's (`pulumi-nodejs:dynamic/cinder:VolumeAttachment`): both
 * have the same props. The per-policy files pin the messages for the dynamic token; here each policy
 * runs one violating and one compliant case under both tokens, and under an unrelated type.
 */
import type { Policy, StackValidationPolicy } from "@pulumi/policy";
import {
  NOT_AN_ATTACHMENT,
  PLUGIN_VOLUME_ATTACHMENT_TYPE,
  VOLUME_ATTACHMENT_TYPE,
  VOLUME_ATTACHMENT_TYPES,
  allowedConnectorHosts,
  credentialsStaySecret,
  fullAttachNamesInstance,
  incompleteAttachment,
  isVolumeAttachment,
  mountpointRules,
  multipathRequired,
  oneAttachmentPerInstance,
  policies,
  protectedVolumes,
  sharedVolumeReadOnly,
  singleAttachmentPerVolume,
  volumeById,
} from "../policies";
import {
  type FakeResource,
  type PolicyRun,
  attachmentUrn,
  fullAttach,
  runResourcePolicy,
  runStackPolicy,
} from "./harness";

const VOLUME = "5f6d1e9c-4b7f-4c55-a6a3-0a9e8f3b8c21";
const OTHER_VOLUME = "0e0e0e0e-0000-4000-8000-000000000000";
const OTHER_INSTANCE = "1d2c3b4a-0000-4000-8000-000000000000";
/** A resource type that is not an attachment: the bridged OpenStack provider's attach resource. */
const UNRELATED_TYPE = "openstack:blockstorage/volumeAttachV2:VolumeAttachV2";

/** One policy with a case it reports and a case it passes (resource policies: one resource each). */
interface Case {
  policy: Policy;
  config?: object;
  violating: FakeResource[];
  compliant: FakeResource[];
}

function attach(name: string, host: string, overrides: Record<string, unknown> = {}): FakeResource {
  return { name, props: fullAttach(host, overrides) };
}

function withConnector(connector: Record<string, unknown>): Record<string, unknown> {
  const props = fullAttach("compute-1");
  return { ...props, connector: { ...(props.connector as object), ...connector } };
}

const CASES: Case[] = [
  {
    policy: allowedConnectorHosts,
    config: { allowedHosts: ["compute-1"] },
    violating: [attach("data", "rogue-7")],
    compliant: [attach("data", "compute-1")],
  },
  {
    policy: sharedVolumeReadOnly,
    violating: [attach("a", "compute-1"), attach("b", "compute-2", { mode: "rw" })],
    compliant: [attach("a", "compute-1", { mode: "ro" }), attach("b", "compute-2", { mode: "ro" })],
  },
  {
    policy: multipathRequired,
    violating: [{ name: "data", props: withConnector({ multipath: false }) }],
    compliant: [attach("data", "compute-1")],
  },
  {
    policy: fullAttachNamesInstance,
    violating: [attach("data", "bm-9", { instanceUuid: undefined })],
    compliant: [attach("data", "bm-9")],
  },
  {
    policy: singleAttachmentPerVolume,
    violating: [attach("a", "compute-1", { mode: "ro" }), attach("b", "compute-2", { mode: "ro" })],
    compliant: [attach("a", "compute-1"), attach("b", "compute-2", { volumeId: OTHER_VOLUME })],
  },
  {
    policy: oneAttachmentPerInstance,
    violating: [attach("a", "compute-1", { mode: "ro" }), attach("b", "compute-2", { mode: "ro" })],
    compliant: [attach("a", "compute-1"), attach("b", "compute-2", { instanceUuid: OTHER_INSTANCE })],
  },
  {
    policy: credentialsStaySecret,
    violating: [{ ...attach("leaky", "compute-1"), opts: { additionalSecretOutputs: [] } }],
    compliant: [attach("data", "compute-1")],
  },
  {
    policy: incompleteAttachment,
    violating: [attach("half", "compute-1", { complete: false })],
    compliant: [attach("half", "compute-1")],
  },
  {
    policy: mountpointRules,
    violating: [{ name: "root", props: withConnector({ mountpoint: "/dev/vda" }) }],
    compliant: [attach("root", "compute-1")],
  },
  {
    policy: volumeById,
    violating: [attach("data", "compute-1", { volumeId: "pgdata" })],
    compliant: [attach("data", "compute-1")],
  },
  {
    policy: protectedVolumes,
    config: { volumes: [VOLUME] },
    violating: [attach("db", "compute-1")],
    compliant: [{ ...attach("db", "compute-1"), opts: { protect: true } }],
  },
];

function isStackPolicy(policy: Policy): policy is StackValidationPolicy {
  return "validateStack" in policy;
}

/** Runs the policy over `resources` given the type `type`, as the engine would. */
function judge(policy: Policy, resources: FakeResource[], type: string, config: object = {}): Promise<PolicyRun> {
  const typed = resources.map((resource) => ({ ...resource, type }));
  if (isStackPolicy(policy)) return runStackPolicy(policy, typed, config);
  const [only] = typed;
  if (only === undefined || typed.length !== 1) throw new Error("a resource policy case has one resource");
  return runResourcePolicy(policy, only, config);
}

/** A run with the URNs of the dynamic type rewritten to the plugin's, to compare the two. */
function asPluginRun(run: PolicyRun): PolicyRun {
  const urns = run.urns.map((urn) =>
    urn?.replace(`::${VOLUME_ATTACHMENT_TYPE}::`, `::${PLUGIN_VOLUME_ATTACHMENT_TYPE}::`),
  );
  return { ...run, urns };
}

test("the pack knows exactly two attachment types: the dynamic provider's and the plugin's", () => {
  expect([...VOLUME_ATTACHMENT_TYPES]).toEqual([
    "pulumi-nodejs:dynamic/cinder:VolumeAttachment",
    "cinder:index:VolumeAttachment",
  ]);
  expect(isVolumeAttachment("cinder:index:VolumeAttachment")).toBe(true);
  expect(isVolumeAttachment("cinder:index:Provider")).toBe(false);
  expect(isVolumeAttachment("pulumi-nodejs:dynamic:Resource")).toBe(false);
});

test("every policy of the pack is in the table below", () => {
  expect(CASES.map((c) => c.policy.name).sort()).toEqual(policies.map((p) => p.name).sort());
});

describe.each(CASES.map((c) => [c.policy.name, c] as const))(
  "%s",
  (_name, { policy, config, violating, compliant }) => {
    test("reports a cinder:index:VolumeAttachment as it reports the dynamic one: same messages, against the plugin's URNs", async () => {
      const dynamic = await judge(policy, violating, VOLUME_ATTACHMENT_TYPE, config);
      expect(dynamic.messages.length).toBeGreaterThan(0);
      const plugin = await judge(policy, violating, PLUGIN_VOLUME_ATTACHMENT_TYPE, config);
      expect(plugin).toEqual(asPluginRun(dynamic));
    });

    test.each([...VOLUME_ATTACHMENT_TYPES])("passes a compliant %s", async (type) => {
      const run = await judge(policy, compliant, type, config);
      expect(run.messages).toEqual([]);
      expect(run.unknown).toBeUndefined();
    });

    test("ignores the same resources under an unrelated type", async () => {
      const run = await judge(policy, violating, UNRELATED_TYPE, config);
      expect(run).toEqual({ messages: [], urns: [], notApplicable: NOT_AN_ATTACHMENT });
    });
  },
);

describe("a stack with attachments of both types (a program moving from one face to the other)", () => {
  const mixed: FakeResource[] = [
    { ...attach("old", "compute-1"), type: VOLUME_ATTACHMENT_TYPE },
    { ...attach("new", "compute-2"), type: PLUGIN_VOLUME_ATTACHMENT_TYPE },
  ];

  test("one volume attached by one of each is two attachments of one volume", async () => {
    const run = await runStackPolicy(singleAttachmentPerVolume, mixed);
    expect(run.messages).toHaveLength(2);
    expect(run.messages[0]).toMatch(
      /^VolumeAttachment "new": volumeId is .*2 attachments in this stack \("new", "old"\)/,
    );
    expect(run.urns).toEqual([
      attachmentUrn("new", PLUGIN_VOLUME_ATTACHMENT_TYPE),
      attachmentUrn("old", VOLUME_ATTACHMENT_TYPE),
    ]);
  });

  test("and a volume shared read-write between their two hosts", async () => {
    const run = await runStackPolicy(sharedVolumeReadOnly, mixed);
    expect(run.messages).toHaveLength(2);
    expect(run.messages[0]).toContain('"compute-2" by "new", "compute-1" by "old"');
  });

  test("a resource of another type beside them is left out, even one that would violate", async () => {
    const unrelated: FakeResource = {
      ...attach("bridged", "compute-3"),
      type: UNRELATED_TYPE,
      opts: { additionalSecretOutputs: [] },
    };
    const [old] = mixed;
    const single = await runStackPolicy(singleAttachmentPerVolume, [old as FakeResource, unrelated]);
    expect(single).toEqual({ messages: [], urns: [] });
    const secret = await runStackPolicy(credentialsStaySecret, [...mixed, unrelated]);
    expect(secret).toEqual({ messages: [], urns: [] });
  });
});
