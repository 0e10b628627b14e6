/**
 * A setting of the stack policies that names volumes: a list of IDs or names and a list of patterns
 * matching whole IDs or names (e.g. the multiattach volumes, or the volumes that may be writable on
 * several hosts), with its config schema and the stack's attachments grouped by volume against it.
 */
import type { StackValidationArgs } from "@pulumi/policy";
import { type StackAttachment, byVolume, patterns, stackAttachments, volumeKeys, volumeListed } from "./common";
import { type PolicyConfig, policyConfig, stringList } from "./config";

/** The two config keys of a volume list and what each holds. */
export interface VolumeListSetting {
  /** Config key of the IDs or names. */
  readonly names: string;
  readonly namesDescription: string;
  /** Config key of the regular expressions. */
  readonly patterns: string;
  readonly patternsDescription: string;
}

/** The configuration of both keys: lists of strings, empty by default. */
export function volumeListConfig(setting: VolumeListSetting): PolicyConfig<Record<string, string[]>> {
  return policyConfig<Record<string, string[]>>(
    { [setting.names]: [], [setting.patterns]: [] },
    {
      [setting.names]: stringList(setting.namesDescription),
      [setting.patterns]: stringList(setting.patternsDescription),
    },
  );
}

/** The attachments of one volume in the stack. */
export interface VolumeGroup {
  /** The volume as the stack's attachments give it (`volumeId`). */
  readonly volume: string;
  /** Sorted by resource name. */
  readonly attachments: StackAttachment[];
  /** Whether the policy's config lists the volume (by an ID or name, or a pattern). */
  readonly listed: boolean;
}

/**
 * The stack's attachments grouped by volume, each group saying whether `setting` lists its volume.
 * @throws Error naming the policy and key when a configured pattern does not compile.
 */
export function volumeGroups(policy: string, args: StackValidationArgs, setting: VolumeListSetting): VolumeGroup[] {
  const config = volumeListConfig(setting).read(args);
  const names = config[setting.names] ?? [];
  const set = patterns(policy, setting.patterns, config[setting.patterns] ?? []);
  return [...byVolume(stackAttachments(args.resources))].map(([volume, attachments]) => ({
    volume,
    attachments,
    listed: volumeListed(volumeKeys(attachments), names, set),
  }));
}
