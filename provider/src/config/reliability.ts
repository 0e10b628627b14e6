/**
 * Settings of waits and recovery (how long to wait for a status, how often to send a create that
 * provably made nothing), apart from the connection settings: they change what the operations do,
 * not where they go.
 */
import { type ConfigLookup, Lookup, SettingsError, count, seconds } from "./sources";

/** Settings of waits and recovery; every field has a default ({@link DEFAULT_RELIABILITY}). */
export interface ReliabilitySettings {
  /** Longest wait for a status, and for Cinder to answer again during recovery (ms; default 300 000). */
  readonly waitTimeoutMs?: number;
  /** After a create that timed out, how long to keep looking for an attachment arriving late (ms; default 3 000). */
  readonly createSettleMs?: number;
  /** Sends of one create in all, when the earlier ones provably made nothing (default 3). */
  readonly createAttempts?: number;
  /** First pause between two polls (ms; default 250). */
  readonly pollIntervalMs?: number;
}

/** {@link ReliabilitySettings} with every default filled. */
export type ReliabilityOptions = Required<ReliabilitySettings>;

/** The defaults of {@link ReliabilitySettings}. */
export const DEFAULT_RELIABILITY: ReliabilityOptions = Object.freeze({
  waitTimeoutMs: 300_000,
  createSettleMs: 3_000,
  createAttempts: 3,
  pollIntervalMs: 250,
});

/** Fills defaults; a value that is not a positive number is refused with its name. */
export function reliabilityOptions(settings: ReliabilitySettings = {}): ReliabilityOptions {
  const options = { ...DEFAULT_RELIABILITY };
  for (const key of Object.keys(DEFAULT_RELIABILITY) as (keyof ReliabilityOptions)[]) {
    const value = settings[key];
    if (value === undefined) continue;
    if (!Number.isFinite(value) || value < 0 || (key === "createAttempts" && (value < 1 || !Number.isInteger(value)))) {
      throw new SettingsError(`${key} must be a positive number, got ${value}`);
    }
    options[key] = value;
  }
  return Object.freeze(options);
}

/**
 * Reads `waitTimeout` and `createAttempts` from stack config (`cinder:<key>`), then the environment.
 * @throws SettingsError naming the setting and where to give it.
 */
export function resolveReliability(config: ConfigLookup, env: NodeJS.ProcessEnv): ReliabilitySettings {
  const lookup = new Lookup(config, undefined, env);
  const waitTimeoutMs = seconds(lookup, "waitTimeout");
  const createAttempts = count(lookup, "createAttempts");
  return {
    ...(waitTimeoutMs !== undefined ? { waitTimeoutMs } : {}),
    ...(createAttempts !== undefined ? { createAttempts } : {}),
  };
}
