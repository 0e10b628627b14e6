/** The plugin's own configuration: stack-config variables, typed provider inputs, and what CheckConfig and DiffConfig say. */
import { changedSettings, checkConfig, configLookup, fromVariables } from "../../provider/src/plugin/providerConfig";
import { SettingsError } from "../../provider/src/config/sources";

const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

describe("the plugin's provider configuration", () => {
  test("Configure's variables are the cinder:* stack config, without the namespace; other namespaces are left out", () => {
    expect(
      fromVariables([
        ["cinder:endpoint", "http://c/v3"],
        ["aws:region", "x"],
        ["cinder:insecure", "true"],
      ]),
    ).toEqual({
      endpoint: "http://c/v3",
      insecure: "true",
    });
  });

  test("typed provider inputs (a boolean, a number) are read as the stack config's strings", () => {
    const lookup = configLookup({ insecure: true, requestTimeout: 30, region: "RegionOne", cacert: null });
    expect([lookup("insecure"), lookup("requestTimeout"), lookup("region"), lookup("cacert")]).toEqual([
      "true",
      "30",
      "RegionOne",
      undefined,
    ]);
  });

  test("an unknown key fails with its name, before the settings are resolved", () => {
    const resolve = jest.fn();
    expect(checkConfig({ endpont: "http://c/v3", version: "0.1.0" }, UNKNOWN, resolve)).toEqual([
      { property: "endpont", reason: expect.stringMatching(/not a setting of the cinder provider/) as string },
    ]);
    expect(resolve).not.toHaveBeenCalled();
  });

  test("a setting the core refuses fails with the key its message names", () => {
    const refuse = () => {
      throw new SettingsError(
        'Keystone authUrl "x" is not an http(s) URL (stack config "cinder:authUrl", OS_AUTH_URL)',
      );
    };
    expect(checkConfig({ authUrl: "x" }, UNKNOWN, refuse)).toEqual([
      { property: "authUrl", reason: expect.stringMatching(/is not an http\(s\) URL/) as string },
    ]);
  });

  test("a setting not known yet (a preview) is not resolved until Configure", () => {
    const resolve = jest.fn();
    expect(checkConfig({ endpoint: UNKNOWN }, UNKNOWN, resolve)).toEqual([]);
    expect(resolve).not.toHaveBeenCalled();
  });

  test("DiffConfig names the settings whose values changed, typed or not, and ignores the engine's version key", () => {
    expect(
      changedSettings({ region: "a", insecure: "true", version: "1" }, { region: "b", insecure: true, version: "2" }),
    ).toEqual(["region"]);
  });
});
