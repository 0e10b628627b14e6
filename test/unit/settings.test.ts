import { SettingsError, resolveSettings } from "../../provider/src/config/settings";

const none = () => undefined;

describe("connection settings", () => {
  test("the cinder CLI's noauth environment is enough", () => {
    const settings = resolveSettings(none, {
      OS_AUTH_TYPE: "noauth",
      CINDER_ENDPOINT: "http://127.0.0.1:8776/v3",
      OS_PROJECT_ID: "p1",
      OS_USER_ID: "u1",
    });
    expect(settings).toMatchObject({
      authType: "noauth",
      endpoint: "http://127.0.0.1:8776/v3",
      projectId: "p1",
      userId: "u1",
      serviceRoles: [],
    });
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

  test.each<[string, NodeJS.ProcessEnv, RegExp]>([
    [
      "nothing configured",
      {},
      /No Cinder connection is configured: set stack config "cinder:endpoint" or CINDER_ENDPOINT/,
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
  ])("%s is an error naming the setting", (_name, env, message) => {
    expect(() => resolveSettings(none, env)).toThrow(SettingsError);
    expect(() => resolveSettings(none, env)).toThrow(message);
  });
});
