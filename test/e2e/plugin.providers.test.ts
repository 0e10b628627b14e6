/**
 * Explicit providers of the resource plugin through the real engine: two in one program, one on the
 * local noauth Cinder and one on the Keystone-backed Cinder (project demo); each attachment lands on
 * its own provider's cloud, and the Keystone password stays secret in the provider's state.
 */
import type { CinderClient } from "../../provider/src/cinder/client";
import { listAttachments } from "../../provider/src/cinder/attachments";
import { AttachmentOperations } from "../../provider/src/volumeAttachment/operations";
import { keystoneEnv } from "../support/keystone";
import { TestVolumes, stackEnv } from "../support/stack";
import { withExample } from "./support/examples";
import { cinderSuite } from "./support/lifecycle";

jest.setTimeout(300_000);

const suite = cinderSuite("e2e-clouds");
const demoVolumes = new TestVolumes("e2e-clouds-demo");
let demo: CinderClient;

beforeAll(async () => {
  demo = await AttachmentOperations.fromConfig(() => undefined, keystoneEnv("demo")).client();
});
afterAll(async () => {
  await demoVolumes.cleanup(demo);
});

test("two explicit providers in one program: each attachment is made by its own provider's Cinder, and destroy removes both", async () => {
  const env = stackEnv();
  const onNoauth = await suite.createVolume();
  const onKeystone = await demoVolumes.create(demo);
  const config = {
    noauthEndpoint: env.CINDER_ENDPOINT as string,
    authUrl: env.KEYSTONE_URL as string,
    username: env.KEYSTONE_DEMO_USER as string,
    password: env.KEYSTONE_DEMO_PASSWORD as string,
    projectName: env.KEYSTONE_DEMO_PROJECT as string,
    noauthVolume: onNoauth.id,
    keystoneVolume: onKeystone.id,
  };
  await withExample("plugin-two-clouds", "providers", { config }, async (s) => {
    const { summary, outputs } = await s.up();
    expect(summary.result).toBe("succeeded");
    // The demo project's volume is not the noauth project's: only the Keystone provider could attach it.
    expect((await listAttachments(demo, { volumeId: onKeystone.id })).map((a) => a.id)).toEqual([
      outputs["keystoneAttachment"],
    ]);
    expect((await listAttachments(suite.cinder.client, { volumeId: onNoauth.id })).map((a) => a.id)).toEqual([
      outputs["noauthAttachment"],
    ]);
    const exported = await s.exportText();
    expect(exported).not.toContain(config.password);
    const providers = (
      JSON.parse(exported) as { deployment: { resources: { type: string; inputs?: unknown }[] } }
    ).deployment.resources.filter((r) => r.type === "pulumi:providers:cinder");
    expect(providers).toHaveLength(2);

    await s.destroy();
    expect(await listAttachments(demo, { volumeId: onKeystone.id })).toEqual([]);
    expect(await listAttachments(suite.cinder.client, { volumeId: onNoauth.id })).toEqual([]);
  });
});
