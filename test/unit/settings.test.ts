import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CloudConfigError } from "../../provider/src/config/cloudsYaml";
import { resolveReliability } from "../../provider/src/config/reliability";
import { SettingsError, resolveSettings } from "../../provider/src/config/settings";

const none = () => undefined;

/** A folder with a clouds.yaml (and optionally secure.yaml), as OS_CLIENT_CONFIG_FILE points to. */
function cloudsFiles(clouds: string, secure?: string): NodeJS.ProcessEnv {
  const dir = mkdtempSync(join(tmpdir(), "clouds-"));
  writeFileSync(join(dir, "clouds.yaml"), clouds);
  const env: NodeJS.ProcessEnv = { OS_CLIENT_CONFIG_FILE: join(dir, "clouds.yaml"), HOME: dir };
  if (secure) {
    writeFileSync(join(dir, "secure.yaml"), secure);
    env.OS_CLIENT_SECURE_FILE = join(dir, "secure.yaml");
  }
  return env;
}

const CLOUDS = `
clouds:
  lab:
    auth:
      auth_url: http://keystone.lab:5000/v3
      username: alice
      project_name: storage
      user_domain_name: Lab
      project_domain_name: Lab
    region_name: RegionTwo
    interface: internal
  apps:
    auth_type: v3applicationcredential
    auth:
      auth_url: https://keystone.apps/v3
      application_credential_id: 0123abcd
      application_credential_secret: s3cret
    verify: false
`;

describe("noauth settings (a Cinder without Keystone)", () => {
  test("the cinder CLI's noauth environment is enough", () => {
    const settings = resolveSettings(none, {
      OS_AUTH_TYPE: "noauth",
      CINDER_ENDPOINT: "http://127.0.0.1:8776/v3",
      OS_PROJECT_ID: "p1",
      OS_USER_ID: "u1",
    });
    expect(settings.auth).toEqual({ kind: "noauth", projectId: "p1", userId: "u1", serviceRoles: [] });
    expect(settings.endpoint).toBe("http://127.0.0.1:8776/v3");
  });

  test("retries, waits and create attempts are settings (seconds and counts)", () => {
    const config = (key: string) => ({ retryAttempts: "2", waitTimeout: "90" })[key];
    const env = { CINDER_ENDPOINT: "http://x/v3", CINDER_RETRY_TIMEOUT: "12", CINDER_CREATE_ATTEMPTS: "1" };
    expect(resolveSettings(config, env).retry).toEqual({ maxAttempts: 2, maxElapsedMs: 12_000 });
    expect(resolveReliability(config, env)).toEqual({ waitTimeoutMs: 90_000, createAttempts: 1 });
    expect(() => resolveSettings(none, { CINDER_ENDPOINT: "http://x/v3", CINDER_RETRY_ATTEMPTS: "0" })).toThrow(
      /retryAttempts "0" must be a whole number, 1 or more/,
    );
  });

  test("stack config wins over the environment", () => {
    const config = (key: string) => ({ endpoint: "http://10.0.0.1:8776/v3", maxMicroversion: "3.44" })[key];
    const settings = resolveSettings(config, {
      OS_AUTH_TYPE: "noauth",
      CINDER_ENDPOINT: "http://127.0.0.1:8776/v3",
      OS_VOLUME_API_VERSION: "3.60",
    });
    expect(settings.endpoint).toBe("http://10.0.0.1:8776/v3");
    expect(settings.maxMicroversion).toEqual({ major: 3, minor: 44 });
  });
});

describe("Keystone settings", () => {
  test("OS_* password variables give password auth scoped to the project, public interface by default", () => {
    const settings = resolveSettings(none, {
      OS_AUTH_URL: "http://127.0.0.1:5000/v3",
      OS_USERNAME: "demo",
      OS_PASSWORD: "pw",
      OS_PROJECT_NAME: "demo",
      OS_USER_DOMAIN_NAME: "Default",
      OS_PROJECT_DOMAIN_NAME: "Default",
    });
    expect(settings.auth).toEqual({
      kind: "keystone",
      authUrl: "http://127.0.0.1:5000/v3",
      user: {
        credentials: {
          method: "password",
          password: "pw",
          username: "demo",
          userDomainName: "Default",
          userId: undefined,
          userDomainId: undefined,
        },
        scope: {
          kind: "project",
          projectName: "demo",
          projectDomainName: "Default",
          projectId: undefined,
          projectDomainId: undefined,
        },
      },
      service: undefined,
    });
    expect(settings.interface).toBe("public");
  });

  test("a system-scoped token and an existing token are understood", () => {
    const system = resolveSettings(none, {
      OS_AUTH_URL: "http://k/v3",
      OS_USERNAME: "admin",
      OS_PASSWORD: "pw",
      OS_SYSTEM_SCOPE: "all",
    });
    expect(system.auth.kind === "keystone" && system.auth.user.scope).toEqual({ kind: "system" });
    const token = resolveSettings(none, {
      OS_AUTH_TYPE: "token",
      OS_AUTH_URL: "http://k/v3",
      OS_TOKEN: "gAAAA",
      OS_PROJECT_ID: "p",
    });
    expect(token.auth.kind === "keystone" && token.auth.user.credentials).toEqual({ method: "token", token: "gAAAA" });
  });

  test("OS_CLOUD selects a clouds.yaml cloud; secure.yaml adds its password; OS_* variables are not mixed in", () => {
    const env = {
      ...cloudsFiles(CLOUDS, "clouds:\n  lab:\n    auth:\n      password: from-secure\n"),
      OS_CLOUD: "lab",
      OS_USERNAME: "mallory",
      OS_REGION_NAME: "RegionOne",
    };
    const settings = resolveSettings(none, env);
    expect(settings.auth).toMatchObject({
      kind: "keystone",
      authUrl: "http://keystone.lab:5000/v3",
      user: {
        credentials: { method: "password", username: "alice", password: "from-secure", userDomainName: "Lab" },
        scope: { kind: "project", projectName: "storage", projectDomainName: "Lab" },
      },
    });
    expect(settings.region).toBe("RegionTwo");
    expect(settings.interface).toBe("internal");
  });

  test("stack config overrides the cloud, and cinder:cloud selects it without OS_CLOUD", () => {
    const config = (key: string) => ({ cloud: "lab", password: "from-stack", region: "RegionThree" })[key];
    const settings = resolveSettings(config, cloudsFiles(CLOUDS));
    expect(settings.auth).toMatchObject({ user: { credentials: { password: "from-stack" } } });
    expect(settings.region).toBe("RegionThree");
  });

  test("application credentials from clouds.yaml; verify: false turns verification off", () => {
    const settings = resolveSettings(none, { ...cloudsFiles(CLOUDS), OS_CLOUD: "apps" });
    expect(settings.auth).toMatchObject({
      kind: "keystone",
      user: {
        credentials: { method: "applicationCredential", applicationCredentialId: "0123abcd", secret: "s3cret" },
        scope: { kind: "unscoped" },
      },
    });
    expect(settings.tls.insecure).toBe(true);
  });

  test("a service user from stack config is sent as the service identity, scoped to the service project", () => {
    const config = (key: string) => ({ serviceUsername: "cinder", servicePassword: "svc" })[key];
    const settings = resolveSettings(config, {
      OS_AUTH_URL: "http://k/v3",
      OS_USERNAME: "demo",
      OS_PASSWORD: "pw",
      OS_PROJECT_NAME: "demo",
    });
    expect(settings.auth.kind === "keystone" && settings.auth.service).toEqual({
      credentials: { method: "password", username: "cinder", password: "svc", userDomainName: "Default" },
      scope: { kind: "project", projectName: "service", projectDomainName: "Default" },
    });
  });
});

describe("settings errors name the setting and where to give it", () => {
  test.each<[string, NodeJS.ProcessEnv, RegExp]>([
    [
      "nothing configured",
      {},
      /No Cinder connection is configured: name a cloud \(stack config "cinder:cloud", OS_CLOUD\)/,
    ],
    [
      "an auth type not supported",
      { OS_AUTH_TYPE: "v3oidc", CINDER_ENDPOINT: "http://x/v3" },
      /authType "v3oidc" is not supported/,
    ],
    [
      "an endpoint that is not a URL",
      { OS_AUTH_TYPE: "noauth", CINDER_ENDPOINT: "cinder:8776" },
      /not an http\(s\) URL/,
    ],
    [
      "a cap that is not a microversion",
      { CINDER_ENDPOINT: "http://x/v3", OS_VOLUME_API_VERSION: "latest" },
      /maxMicroversion "latest" is not like "3.54"/,
    ],
    [
      "a timeout that is not a number",
      { CINDER_ENDPOINT: "http://x/v3", CINDER_REQUEST_TIMEOUT: "soon" },
      /requestTimeout "soon" must be a positive number/,
    ],
    [
      "a password without a user",
      { OS_AUTH_URL: "http://k/v3", OS_PASSWORD: "pw" },
      /needs a user: give it as stack config "cinder:username", auth.username in clouds.yaml, OS_USERNAME/,
    ],
    [
      "credentials without an auth URL",
      { OS_USERNAME: "u", OS_PASSWORD: "pw" },
      /needs the identity URL: give it as .*OS_AUTH_URL/,
    ],
    ["noauth without an endpoint", { OS_AUTH_TYPE: "noauth" }, /noauth Cinder has no catalog: give its endpoint/],
    [
      "an interface that is not one",
      { OS_AUTH_TYPE: "noauth", CINDER_ENDPOINT: "http://x/v3", OS_INTERFACE: "private" },
      /interface "private" must be public, internal or admin/,
    ],
  ])("%s", (_name, env, message) => {
    expect(() => resolveSettings(none, env)).toThrow(SettingsError);
    expect(() => resolveSettings(none, env)).toThrow(message);
  });

  test("a cloud that no clouds.yaml defines lists the files searched and the clouds they have", () => {
    const env = { ...cloudsFiles(CLOUDS), OS_CLOUD: "prod" };
    expect(() => resolveSettings(none, env)).toThrow(CloudConfigError);
    expect(() => resolveSettings(none, env)).toThrow(/cloud "prod" .* searched: .*clouds\.yaml \(lab, apps\)/);
  });
});
