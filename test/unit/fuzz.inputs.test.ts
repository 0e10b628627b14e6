/**
 * Property-based tests of `check` over user inputs: every valid input passes; every input made
 * invalid in one property is rejected with that property named; and `check` never sends an HTTP
 * request (the provider points at a fake Cinder that counts what it receives) nor throws.
 */
import fc from "fast-check";
import { UNKNOWN_VALUE } from "../../provider/src/volumeAttachment/shape";
import { VolumeAttachmentProvider } from "../../provider/src/dynamic/provider";
import type { VolumeAttachmentInputs } from "../../provider/src/volumeAttachment/shape";
import { type FakeCinder, startFakeCinder } from "../support/fakeCinder";

const RUNS = 300;

let fake: FakeCinder;
let provider: VolumeAttachmentProvider;
beforeAll(async () => {
  fake = await startFakeCinder([]);
  provider = new VolumeAttachmentProvider();
  await provider.configure({
    config: {
      get: (key: string) => ({ "cinder:endpoint": fake.endpoint, "cinder:authType": "noauth" })[key],
      require: (key: string) => key,
    },
  });
});
afterAll(() => fake.close());

async function check(news: Record<string, unknown>) {
  return provider.check({} as VolumeAttachmentInputs, news as unknown as VolumeAttachmentInputs);
}

// ----------------------------------------------------------------------------------- valid inputs --

const hex = (n: number) => fc.stringMatching(new RegExp(`^[0-9a-f]{${n}}$`));
const uuid = fc
  .tuple(hex(8), hex(4), hex(4), hex(4), hex(12))
  .map((parts) => parts.join("-"))
  .filter((id) => id !== UNKNOWN_VALUE);
const volumeName = fc.stringMatching(/^[a-z][a-z0-9_.-]{0,40}$/);
const label = fc.stringMatching(/^[a-z0-9]{1,12}$/);
const iqn = fc
  .tuple(fc.integer({ min: 1990, max: 2099 }), fc.integer({ min: 1, max: 12 }), label, label)
  .map(([y, m, domain, id]) => `iqn.${y}-${String(m).padStart(2, "0")}.org.${domain}:${id}`);
const ipv4 = fc.ipV4();
const hostName = fc.stringMatching(/^[a-z0-9]([a-z0-9-]{0,30}[a-z0-9])?$/);

/** A connector `check` accepts. */
const connector = fc.record(
  {
    initiator: iqn,
    ip: ipv4,
    host: hostName,
    multipath: fc.boolean(),
    mountpoint: fc.constantFrom("/dev/vdb", "/dev/sdc", "/dev/disk/by-id/x"),
  },
  { requiredKeys: ["initiator"] },
);

/** Inputs `check` accepts: a connector, or an instance to reserve for. */
const validInputs = fc
  .record(
    {
      volumeId: fc.oneof(uuid, volumeName),
      instanceUuid: uuid,
      connector,
      mode: fc.constantFrom("rw", "ro"),
      complete: fc.boolean(),
    },
    { requiredKeys: ["volumeId"] },
  )
  .map((inputs): Record<string, unknown> => {
    const fixed: Record<string, unknown> = { ...inputs };
    if (!fixed.connector && !fixed.instanceUuid) fixed.instanceUuid = "83ec2e3b-4321-422b-8706-a84185f52a0a";
    if (!fixed.connector && fixed.complete === true) delete fixed.complete;
    return fixed;
  });

// --------------------------------------------------------------------------------- invalid values --

const notAString = fc.oneof(
  fc.integer(),
  fc.boolean(),
  fc.constant(null),
  fc.array(fc.string(), { maxLength: 2 }),
  fc.object({ maxDepth: 1 }),
);
const notABoolean = fc.oneof(fc.integer(), fc.string(), fc.constant(null), fc.array(fc.boolean(), { maxLength: 2 }));
/** Strings that are not UUIDs (and not the preview's unknown value). */
const notAUuid = fc
  .oneof(
    fc.string({ maxLength: 40 }),
    uuid.map((id) => id.toUpperCase().replace(/-/g, "")),
    uuid.map((id) => `${id}0`),
    uuid.map((id) => id.slice(1)),
  )
  .filter((s) => !/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(s));

/** One property made invalid: where, and the value. `path` is the failure's expected property. */
interface Mutation {
  readonly path: string[];
  readonly value: unknown;
  /** The failure's property (default: the path). */
  readonly property?: string;
  /** Text the reason must contain. */
  readonly reason?: string;
}

const mutations: fc.Arbitrary<Mutation> = fc.oneof(
  fc
    .oneof(notAString, fc.constant(""), fc.string({ minLength: 256, maxLength: 300 }))
    .map((value) => ({ path: ["volumeId"], value })),
  // Meant as an ID (hex and dashes, ID-long) but malformed.
  fc
    .array(fc.constantFrom(..."0123456789abcdef-"), { minLength: 33, maxLength: 40 })
    .map((chars) => chars.join(""))
    .filter(
      (s) =>
        s.includes("-") &&
        /[0-9a-f]/.test(s) &&
        !/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/.test(s),
    )
    .map((value) => ({ path: ["volumeId"], value, reason: "malformed" })),
  fc.oneof(notAUuid, notAString).map((value) => ({ path: ["instanceUuid"], value })),
  fc.oneof(notAUuid, notAString).map((value) => ({ path: ["attachmentId"], value })),
  fc
    .oneof(
      fc.string().filter((s) => s !== "rw" && s !== "ro"),
      notAString,
    )
    .map((value) => ({ path: ["mode"], value })),
  notABoolean.map((value) => ({ path: ["complete"], value })),
  fc.oneof(fc.string(), fc.integer(), fc.boolean()).map((value) => ({ path: ["connector"], value })),
  fc
    .oneof(
      fc.string({ maxLength: 30 }).filter((s) => !/^(iqn|eui|naa)\./i.test(s)),
      fc.constant("iqn.bad"),
    )
    .map((value) => ({ path: ["connector", "initiator"], value })),
  fc
    .oneof(
      fc.string({ maxLength: 20 }).filter((s) => !/^[\d.:a-f]+$/i.test(s)),
      fc.constant("300.1.1.1"),
    )
    .map((value) => ({ path: ["connector", "ip"], value })),
  fc
    .oneof(
      fc.constant("compute 1"),
      fc.constant("-leading"),
      fc.string({ minLength: 1 }).map((s) => `${s} ${s}`),
    )
    .map((value) => ({
      path: ["connector", "host"],
      value,
    })),
  notABoolean.map((value) => ({ path: ["connector", "multipath"], value })),
  fc
    .string({ maxLength: 20 })
    .filter((s) => !s.startsWith("/") || /\s/.test(s))
    .map((value) => ({ path: ["connector", "mountpoint"], value })),
  fc
    .string({ maxLength: 20 })
    .filter((s) => !/^[0-9a-f]{16}$/i.test(s) && !/^([0-9a-f]{2}:){7}[0-9a-f]{2}$/i.test(s))
    .map((value) => ({ path: ["connector", "wwpns"], value: [value], property: "connector.wwpns.0" })),
  fc
    .constantFrom("nqn.2014-08.org.nvmexpress", "nqn", "uuid:1234")
    .map((value) => ({ path: ["connector", "nqn"], value })),
  fc
    .constantFrom("initiator", "ip", "host", "os_type", "wwpns", "mode")
    .map((key) => ({ path: ["connector", "extra"], value: { [key]: "x" } })),
  fc
    .stringMatching(/^[a-z][a-zA-Z]{2,12}$/)
    .filter(
      (k) =>
        ![
          "volumeId",
          "instanceUuid",
          "connector",
          "mode",
          "complete",
          "attachmentId",
          "constructor",
          "toString",
        ].includes(k),
    )
    .map((key) => ({ path: [key], value: "x", property: "(inputs)", reason: key })),
);

/** `inputs` with `mutation` applied (parents created as needed; a connector is created for connector fields). */
function apply(inputs: Record<string, unknown>, mutation: Mutation): Record<string, unknown> {
  const copy = structuredClone(inputs);
  const [head, ...rest] = mutation.path;
  if (head === undefined) return copy;
  if (rest.length === 0) {
    copy[head] = mutation.value;
    return copy;
  }
  const parent = (copy[head] ??= { initiator: "iqn.1993-08.org.debian:01:fuzz" }) as Record<string, unknown>;
  const [key] = rest;
  parent[key as string] = mutation.value;
  return copy;
}

// ----------------------------------------------------------------------------------- properties --

test("every valid input passes check, with no request sent but version discovery", async () => {
  await fc.assert(
    fc.asyncProperty(validInputs, async (inputs) => {
      const result = await check(inputs);
      expect(result.failures).toEqual([]);
    }),
    { numRuns: RUNS },
  );
  // Inputs with a connector are checked against the server's microversions (GET /, once per process).
  expect(fake.apiRequests()).toHaveLength(0);
});

test("an input made invalid in one property is rejected, naming that property; check neither throws nor sends a request but version discovery", async () => {
  await fc.assert(
    fc.asyncProperty(validInputs, mutations, async (inputs, mutation) => {
      const news = apply(inputs, mutation);
      const result = await check(news);
      const expected = mutation.property ?? mutation.path.join(".");
      const named = (result.failures ?? []).filter(
        (f) => f.property === expected || f.property.startsWith(`${expected}.`),
      );
      expect(named.length).toBeGreaterThan(0);
      for (const failure of named) expect(failure.reason.length).toBeGreaterThan(10);
      if (mutation.reason) expect(named.map((f) => f.reason).join(" ")).toContain(mutation.reason);
    }),
    { numRuns: RUNS },
  );
  // Inputs with a connector are checked against the server's microversions (GET /, once per process).
  expect(fake.apiRequests()).toHaveLength(0);
});

test("arbitrary JSON as inputs: check never throws, every failure has a property and a reason, and it asks Cinder for nothing but its version document", async () => {
  await fc.assert(
    fc.asyncProperty(fc.dictionary(fc.string({ maxLength: 12 }), fc.jsonValue({ maxDepth: 3 })), async (news) => {
      const result = await check(news);
      for (const failure of result.failures ?? []) {
        expect(failure.property).toEqual(expect.any(String));
        expect(failure.reason).toEqual(expect.any(String));
      }
    }),
    { numRuns: RUNS },
  );
  // Valid inputs with a connector are checked against the server's microversions (version discovery).
  expect(fake.apiRequests()).toHaveLength(0);
});
