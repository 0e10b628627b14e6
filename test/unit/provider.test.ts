import { VolumeAttachmentProvider } from "../../provider/src/dynamic/provider";
import type { VolumeAttachmentInputs } from "../../provider/src/volumeAttachment/shape";
import { type FakeCinder, startFakeCinder } from "../support/fakeCinder";

let fake: FakeCinder;
beforeEach(async () => {
  fake = await startFakeCinder([
    { method: "POST", path: "/v3/attachments", reply: "attachment-create-reserve.200" },
    // The orphan check before a create for an instance: the volume has no attachment yet.
    { method: "GET", path: "/v3/attachments/detail", reply: { status: 200, body: { attachments: [] } } },
  ]);
  process.env.CINDER_ENDPOINT = fake.endpoint;
  process.env.OS_AUTH_TYPE = "noauth";
});
afterEach(async () => {
  delete process.env.CINDER_ENDPOINT;
  delete process.env.OS_AUTH_TYPE;
  await fake.close();
});

function provider(config: Record<string, string> = {}): VolumeAttachmentProvider {
  const p = new VolumeAttachmentProvider();
  void p.configure({ config: { get: (key: string) => config[key], require: (key: string) => config[key] as string } });
  return p;
}

describe("VolumeAttachmentProvider", () => {
  test("check of a bad input names the property and sends no HTTP request at all", async () => {
    const news = { volumeId: "not-a-uuid-but-a-name", connector: { initiator: "iqn.bad", ip: "1.2.3" } };
    const result = await provider().check({} as VolumeAttachmentInputs, news as unknown as VolumeAttachmentInputs);
    expect(result.failures?.map((f) => f.property).sort()).toEqual(["connector.initiator", "connector.ip"]);
    expect(fake.requests).toHaveLength(0);
  });

  test("check ignores the engine's __provider key", async () => {
    const news = {
      volumeId: "data",
      instanceUuid: "83ec2e3b-4321-422b-8706-a84185f52a0a",
      __provider: "exports.handler = ...",
    };
    const result = await provider().check({} as VolumeAttachmentInputs, news as unknown as VolumeAttachmentInputs);
    expect(result.failures).toEqual([]);
  });

  test("settings come from stack config (cinder:*) read in the provider process; a reserve is the orphan check and one create", async () => {
    delete process.env.CINDER_ENDPOINT;
    const p = provider({ "cinder:endpoint": fake.endpoint, "cinder:authType": "noauth" });
    const result = await p.create({
      volumeId: "00000000-0000-4000-8000-000000000001",
      instanceUuid: "00000000-0000-4000-8000-000000000002",
      complete: false,
    });
    expect(result.id).toBe("00000000-0000-4000-8000-000000000003");
    expect(result.outs).toMatchObject({ status: "reserved", attachmentId: result.id });
    expect(fake.apiRequests().map((r) => `${r.method} ${r.url.split("?")[0]}`)).toEqual([
      "GET /v3/attachments/detail",
      "POST /v3/attachments",
    ]);
    // Outputs cross the protocol as protobuf Structs: no undefined anywhere.
    expect(JSON.stringify(result.outs)).toBe(JSON.stringify(JSON.parse(JSON.stringify(result.outs))));
    expect((Object.values(result.outs ?? {}) as unknown[]).includes(undefined)).toBe(false);
  });

  test("the provider as the SDK serializes it holds no settings and no dependency code, only its small methods", async () => {
    const { serializeFunction } = await import("@pulumi/pulumi/runtime");
    process.env.CINDER_ENDPOINT = "http://secret-endpoint:1/v3";
    const instance = new VolumeAttachmentProvider();
    const serialized = await serializeFunction(() => instance, { isFactoryFunction: false });
    expect(serialized.text).toContain('require("pulumi-cinder-attachment/runtime")');
    expect(serialized.text).not.toContain("secret-endpoint");
    expect(serialized.text).not.toMatch(/zod|axios/);
    expect(serialized.text.length).toBeLessThan(8_000);
  });
});
