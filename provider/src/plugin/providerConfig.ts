/**
 * The provider's own configuration: the settings of docs/configuration.md as provider inputs. The
 * default provider gets them from stack config `cinder:*`; an explicit provider from its arguments.
 * Either way the environment and clouds.yaml fill what is not given, as for the dynamic provider.
 */
import type { CheckFailure } from "../volumeAttachment/check";
import { type ConfigLookup, S } from "../config/sources";
import { errorMessage } from "../errors";

/** Keys the engine adds to every provider's inputs, which are not settings. */
const ENGINE_KEYS: ReadonlySet<string> = new Set(["version", "pluginDownloadURL"]);

/** The settings' keys, as provider inputs and stack config (`cinder:<key>`) name them. */
const SETTING_KEYS: ReadonlySet<string> = new Set(Object.values(S).map((source) => source.config));

/** Looks settings up in provider inputs; booleans and numbers are read as the stack config's strings. */
export function configLookup(values: Readonly<Record<string, unknown>>): ConfigLookup {
  return (key) => {
    const value = values[key];
    if (value === undefined || value === null) return undefined;
    if (typeof value === "string") return value;
    return typeof value === "number" || typeof value === "boolean" ? String(value) : JSON.stringify(value);
  };
}

/** Provider inputs from Configure's stack-config variables (`cinder:<key>` => value). */
export function fromVariables(variables: Iterable<[string, string]>): Record<string, string> {
  const values: Record<string, string> = {};
  for (const [name, value] of variables) {
    const match = /^cinder:(.+)$/.exec(name);
    if (match?.[1]) values[match[1]] = value;
  }
  return values;
}

/**
 * CheckConfig: unknown keys, and settings that cannot work (an unknown auth type, a URL that is
 * not one, a user without a password, ...), fail here with the key named, before any request.
 * `resolve` is the core's resolution of the settings (it throws a SettingsError naming the setting).
 */
export function checkConfig(
  values: Readonly<Record<string, unknown>>,
  unknownValue: string,
  resolve: (lookup: ConfigLookup) => void,
): CheckFailure[] {
  const failures: CheckFailure[] = Object.keys(values)
    .filter((key) => !SETTING_KEYS.has(key) && !ENGINE_KEYS.has(key))
    .map((key) => ({
      property: key,
      reason: `${key} is not a setting of the cinder provider; the settings are listed in docs/configuration.md`,
    }));
  if (failures.length > 0) return failures;
  // A setting not known yet (a preview) is checked when the provider is configured with it.
  if (Object.values(values).some((value) => value === unknownValue)) return [];
  try {
    resolve(configLookup(values));
  } catch (err) {
    const message = errorMessage(err);
    return [{ property: settingNamedIn(message) ?? "", reason: message }];
  }
  return [];
}

/** DiffConfig: the settings whose values changed (the engine's own keys aside). */
export function changedSettings(
  olds: Readonly<Record<string, unknown>>,
  news: Readonly<Record<string, unknown>>,
): string[] {
  const lookupOld = configLookup(olds);
  const lookupNew = configLookup(news);
  return [...new Set([...Object.keys(olds), ...Object.keys(news)])]
    .filter((key) => !ENGINE_KEYS.has(key) && lookupOld(key) !== lookupNew(key))
    .sort();
}

/** The setting a SettingsError message names (`... stack config "cinder:authUrl" ...`), if any. */
function settingNamedIn(message: string): string | undefined {
  return /"cinder:(\w+)"/.exec(message)?.[1];
}
