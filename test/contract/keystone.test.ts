/**
 * Authentication the OpenStack way against the real local Keystone, with the Keystone-backed
 * cinder-api found through the catalog.
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { listAttachments } from "../../provider/src/cinder/attachments";
import { createVolume, deleteVolume, getVolume } from "../../provider/src/cinder/volumes/requests";
import { connectCinder } from "../../provider/src/config/connect";
import { resolveSettings } from "../../provider/src/config/settings";
import { EndpointNotFoundError } from "../../provider/src/auth/keystone/catalog";
import { KeystoneAuthError, KeystoneSession } from "../../provider/src/auth/keystone/session";
import { AttachmentOperations } from "../../provider/src/volumeAttachment/operations";
import { AttachmentDeleteRefusedError } from "../../provider/src/volumeAttachment/errors";
import {
  createApplicationCredential,
  issueToken,
  keystoneEnv,
  revokeToken,
  serviceUserConfig,
} from "../support/keystone";
import { type CinderProxy, startProxy } from "../support/proxy";
import { stackEnv } from "../support/stack";

jest.setTimeout(120_000);

const none = () => undefined;
const INSTANCE = "1c2d3e4f-5a6b-4c7d-8e9f-0a1b2c3d4e5f";
const HOST = { initiator: "iqn.1993-08.org.debian:01:ks-host", ip: "127.0.0.1", host: "ks-host" };

/** Connects as the settings from (stack config, environment) say, and proves it with a request. */
async function connectAndList(config: (key: string) => string | undefined, env: NodeJS.ProcessEnv) {
  const client = await connectCinder(resolveSettings(config, env));
  await listAttachments(client);
  return client;
}

/** The bodies of the token requests (`POST /v3/auth/tokens`) a proxy in front of Keystone saw, in order. */
function tokenRequestBodies(keystone: CinderProxy): unknown[] {
  return keystone.exchanges
    .filter((e) => e.method === "POST" && e.path.endsWith("/auth/tokens"))
    .map((e) => JSON.parse(e.requestBody) as unknown);
}

describe("each authentication method reaches the Keystone-backed Cinder through the catalog", () => {
  // Seen through a proxy in front of the real Keystone: which method and scope the provider asked for.
  let keystone: CinderProxy;
  beforeEach(async () => {
    keystone = await startProxy(new URL(stackEnv().KEYSTONE_URL as string).origin);
  });
  afterEach(() => keystone.close());
  const throughProxy = (env: NodeJS.ProcessEnv): NodeJS.ProcessEnv => ({ ...env, OS_AUTH_URL: `${keystone.url}/v3` });

  test("password, by user and project name, finds the block-storage endpoint of the region", async () => {
    const client = await connectAndList(none, keystoneEnv("demo"));
    expect(await client.negotiated()).toEqual({ major: 3, minor: 70 });
  });

  test("password by user ID, project by ID: the token request names both by ID, not by name", async () => {
    const { userId, projectId } = await issueToken("demo");
    const env = keystoneEnv("demo", {
      OS_USERNAME: undefined,
      OS_USER_ID: userId,
      OS_PROJECT_NAME: undefined,
      OS_PROJECT_ID: projectId,
    });
    await connectAndList(none, throughProxy(env));
    expect(tokenRequestBodies(keystone)).toEqual([
      {
        auth: {
          identity: { methods: ["password"], password: { user: { id: userId, password: env.OS_PASSWORD } } },
          scope: { project: { id: projectId } },
        },
      },
    ]);
  });

  test("an application credential (by ID, and by name with its user), sent without a scope of its own", async () => {
    const credential = await createApplicationCredential(`ci-${Date.now().toString(36)}`);
    const base = throughProxy(
      keystoneEnv("demo", {
        OS_PASSWORD: undefined,
        OS_PROJECT_NAME: undefined,
        OS_AUTH_TYPE: "v3applicationcredential",
      }),
    );
    await connectAndList(none, {
      ...base,
      OS_APPLICATION_CREDENTIAL_ID: credential.id,
      OS_APPLICATION_CREDENTIAL_SECRET: credential.secret,
    });
    await connectAndList(none, {
      ...base,
      OS_APPLICATION_CREDENTIAL_NAME: credential.name,
      OS_APPLICATION_CREDENTIAL_SECRET: credential.secret,
    });
    const identity = (application_credential: Record<string, unknown>) => ({
      auth: { identity: { methods: ["application_credential"], application_credential } },
    });
    expect(tokenRequestBodies(keystone)).toEqual([
      identity({ id: credential.id, secret: credential.secret }),
      identity({
        name: credential.name,
        secret: credential.secret,
        user: { name: base.OS_USERNAME, domain: { name: base.OS_USER_DOMAIN_NAME } },
      }),
    ]);
  });

  test("an existing token, exchanged for one scoped to the project (no password method)", async () => {
    const { token, projectId } = await issueToken("demo");
    await connectAndList(none, {
      OS_AUTH_TYPE: "token",
      OS_AUTH_URL: `${keystone.url}/v3`,
      OS_TOKEN: token,
      OS_PROJECT_ID: projectId,
    });
    expect(tokenRequestBodies(keystone)).toEqual([
      { auth: { identity: { methods: ["token"], token: { id: token } }, scope: { project: { id: projectId } } } },
    ]);
  });

  test("system scope is issued for the admin (it has no project endpoint, so the catalog says so)", async () => {
    const { auth } = resolveSettings(
      none,
      keystoneEnv("admin", { OS_PROJECT_NAME: undefined, OS_SYSTEM_SCOPE: "all" }),
    );
    if (auth.kind !== "keystone") throw new Error("expected Keystone settings");
    const session = new KeystoneSession({ authUrl: auth.authUrl, user: auth.user });
    await expect(session.token()).resolves.toMatchObject({ projectId: undefined });
  });

  test("clouds.yaml selected by OS_CLOUD, password in secure.yaml", async () => {
    const env = keystoneEnv("demo");
    const dir = mkdtempSync(join(tmpdir(), "clouds-"));
    writeFileSync(
      join(dir, "clouds.yaml"),
      `clouds:\n  local:\n    auth:\n      auth_url: ${env.OS_AUTH_URL}\n      username: ${env.OS_USERNAME}\n      project_name: ${env.OS_PROJECT_NAME}\n      user_domain_name: Default\n      project_domain_name: Default\n    region_name: ${env.OS_REGION_NAME}\n`,
    );
    writeFileSync(join(dir, "secure.yaml"), `clouds:\n  local:\n    auth:\n      password: ${env.OS_PASSWORD}\n`);
    await connectAndList(none, {
      OS_CLOUD: "local",
      OS_CLIENT_CONFIG_FILE: join(dir, "clouds.yaml"),
      OS_CLIENT_SECURE_FILE: join(dir, "secure.yaml"),
      OS_PASSWORD: "not-this-one",
    });
  });
});

describe("failures say what to fix", () => {
  test.each<[string, NodeJS.ProcessEnv, RegExp]>([
    [
      "a wrong password",
      keystoneEnv("demo", { OS_PASSWORD: "wrong" }),
      /refused the user credentials \(user demo in domain Default, project demo.*Check the password/,
    ],
    [
      "a project that does not exist",
      keystoneEnv("demo", { OS_PROJECT_NAME: "no-such-project" }),
      /project no-such-project .*the user and the project exist/,
    ],
    [
      "a project the user has no role on",
      keystoneEnv("demo", { OS_PROJECT_NAME: "admin" }),
      /has a role on the project/,
    ],
  ])("%s", async (_name, env, message) => {
    const failure = connectAndList(none, env);
    await expect(failure).rejects.toBeInstanceOf(KeystoneAuthError);
    await expect(failure).rejects.toThrow(message);
    await expect(failure).rejects.not.toThrow(/stack-demo-pw|wrong"/);
  });

  test("a revoked token", async () => {
    const { token, projectId } = await issueToken("demo");
    await revokeToken(token);
    const failure = connectAndList(none, {
      OS_AUTH_TYPE: "token",
      OS_AUTH_URL: stackEnv().KEYSTONE_URL,
      OS_TOKEN: token,
      OS_PROJECT_ID: projectId,
    });
    await expect(failure).rejects.toThrow(/token .*(expired, was revoked|not recognise|refused)/);
  });

  test("a catalog without a block-storage endpoint in the region", async () => {
    const failure = connectAndList(none, keystoneEnv("demo", { OS_REGION_NAME: "Atlantis" }));
    await expect(failure).rejects.toBeInstanceOf(EndpointNotFoundError);
    await expect(failure).rejects.toThrow(
      /no block-storage or volumev3 endpoint with interface "public" in region "Atlantis".*It offers: .*block-storage/,
    );
  });

  test("an auth URL where nothing listens", async () => {
    await expect(connectAndList(none, keystoneEnv("demo", { OS_AUTH_URL: "http://127.0.0.1:9/v3" }))).rejects.toThrow(
      /Keystone at http:\/\/127.0.0.1:9\/v3\/ did not answer \(ECONNREFUSED\): check the auth URL/,
    );
  });
});

describe("tokens", () => {
  let keystone: CinderProxy;
  beforeEach(async () => {
    keystone = await startProxy(new URL(stackEnv().KEYSTONE_URL as string).origin);
  });
  afterEach(() => keystone.close());
  const tokenRequests = () =>
    keystone.exchanges.filter((e) => e.method === "POST" && e.path.endsWith("/auth/tokens")).length;

  test("one token per provider process, whatever the number of operations", async () => {
    const ops = AttachmentOperations.fromConfig(none, keystoneEnv("demo", { OS_AUTH_URL: `${keystone.url}/v3` }));
    for (let i = 0; i < 5; i++) await listAttachments(await ops.client());
    expect(tokenRequests()).toBe(1);
  });

  test("given an endpoint, version discovery asks Keystone for nothing; the first request that needs a token gets the one token", async () => {
    const endpoint = stackEnv().CINDER_KEYSTONE_ENDPOINT as string;
    const ops = AttachmentOperations.fromConfig(
      (key) => (key === "endpoint" ? endpoint : undefined),
      keystoneEnv("demo", { OS_AUTH_URL: `${keystone.url}/v3` }),
    );
    await ops.check({ volumeId: INSTANCE, connector: HOST });
    expect(tokenRequests()).toBe(0);
    for (let i = 0; i < 3; i++) await listAttachments(await ops.client());
    expect(tokenRequests()).toBe(1);
  });

  test("given an endpoint, wrong credentials fail the first request that needs a token, with Keystone's refusal and no secret", async () => {
    const ops = AttachmentOperations.fromConfig(
      (key) => (key === "endpoint" ? stackEnv().CINDER_KEYSTONE_ENDPOINT : undefined),
      keystoneEnv("demo", { OS_AUTH_URL: `${keystone.url}/v3`, OS_PASSWORD: "wrong" }),
    );
    await expect(ops.check({ volumeId: INSTANCE, connector: HOST })).resolves.toMatchObject({ failures: [] });
    expect(tokenRequests()).toBe(0);
    const failure = ops.read(INSTANCE, undefined);
    await expect(failure).rejects.toBeInstanceOf(KeystoneAuthError);
    await expect(failure).rejects.toThrow(
      /refused the user credentials \(user demo in domain Default.*Check the password/,
    );
    await expect(failure).rejects.not.toThrow(/wrong/);
  });

  test("given an endpoint, Keystone out of reach at the first request is named with the setting that fixes it", async () => {
    const ops = AttachmentOperations.fromConfig(
      (key) => (key === "endpoint" ? stackEnv().CINDER_KEYSTONE_ENDPOINT : undefined),
      keystoneEnv("demo", { OS_AUTH_URL: "http://127.0.0.1:9/v3" }),
    );
    await expect(ops.read(INSTANCE, undefined)).rejects.toThrow(
      /Keystone at http:\/\/127.0.0.1:9\/v3\/ did not answer \(ECONNREFUSED\).*auth URL is/,
    );
  });

  test("after Cinder answers 401, the session gets a new token once and the request goes through", async () => {
    // keystonemiddleware caches validated tokens, so a revocation reaches Cinder only minutes later:
    // the 401 is injected in front of the real cinder-api; the new token comes from the real Keystone.
    let rejected = 0;
    const cinder = await startProxy(new URL(stackEnv().CINDER_KEYSTONE_ENDPOINT as string).origin, (method, path) =>
      method === "GET" && path.includes("/attachments") && rejected++ === 1
        ? {
            kind: "respond",
            status: 401,
            body: JSON.stringify({ error: { message: "The request you have made requires authentication." } }),
          }
        : { kind: "forward" },
    );
    try {
      const settings = resolveSettings(
        (key) => (key === "endpoint" ? `${cinder.url}/v3` : undefined),
        keystoneEnv("demo", { OS_AUTH_URL: `${keystone.url}/v3` }),
      );
      const client = await connectCinder(settings);
      await listAttachments(client);
      await expect(listAttachments(client)).resolves.toEqual(expect.any(Array));
      expect(tokenRequests()).toBe(2);
      const tokens = cinder.exchanges
        .filter((e) => e.path.includes("/attachments"))
        .map((e) => e.requestHeaders["x-auth-token"]);
      expect(tokens).toHaveLength(2);
      expect(tokens[1]).not.toBe(tokens[0]);
    } finally {
      await cinder.close();
    }
  });
});

describe("service token (OSSA-2023-003)", () => {
  test("a member cannot delete its instance-bound, connected attachment without one; with the service user it can", async () => {
    const env = keystoneEnv("demo");
    const plain = AttachmentOperations.fromConfig(none, env);
    const withService = AttachmentOperations.fromConfig((key) => serviceUserConfig()[key], env);
    const client = await plain.client();
    const volume = await createVolume(client, { name: `ks-${Date.now().toString(36)}`, size: 1 });
    try {
      for (let i = 0; i < 120 && (await getVolume(client, volume.id)).status !== "available"; i++) {
        await new Promise((resolve) => setTimeout(resolve, 250));
      }
      const { inputs } = await plain.check({ volumeId: volume.id, instanceUuid: INSTANCE, connector: HOST });
      const { id } = await plain.create(inputs);
      const refusal = plain.delete(id);
      await expect(refusal).rejects.toBeInstanceOf(AttachmentDeleteRefusedError);
      await expect(refusal).rejects.toThrow(/OSSA-2023-003.*service user/);
      await withService.delete(id);
      expect(await listAttachments(client, { volumeId: volume.id })).toEqual([]);
    } finally {
      for (let i = 0; i < 40 && (await getVolume(client, volume.id)).status !== "available"; i++) {
        await new Promise((resolve) => setTimeout(resolve, 250));
      }
      await deleteVolume(client, volume.id).catch(() => undefined);
    }
  });
});
