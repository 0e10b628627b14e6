/**
 * The two faces of the one core, as a test drives them: the dynamic provider object (what
 * `@pulumi/pulumi`'s dynamic-provider host calls) and the resource plugin process (what the engine
 * calls over gRPC). A behaviour of the core is specified once and run against both (`describe.each(FACES)`).
 * Settings are given as stack config keys (`cinder:<key>`), the way both faces are configured.
 */
import * as proto from "@pulumi/pulumi/proto/provider_pb";
import { VolumeAttachmentProvider } from "../../provider/src/dynamic/provider";
import type { CheckResult } from "../../provider/src/volumeAttachment/check";
import type { PropertyChange } from "../../provider/src/volumeAttachment/diff";
import type { VolumeAttachmentInputs, VolumeAttachmentOutputs } from "../../provider/src/volumeAttachment/shape";
import { PLUGIN_TYPE, PluginProcess, fromStruct, toStruct } from "./plugin";
import { stackEnv } from "./stack";

/** What a face's diff answers: the engine's view of the plan. */
export interface FaceDiff {
  changes: boolean;
  replaces: string[];
  deleteBeforeReplace: boolean;
  /** Each changed property path, sorted by path. */
  details: PropertyChange[];
}

/** One face of the provider: the resource operations as the engine reaches them. */
export interface Face {
  readonly name: string;
  /** `olds`: the inputs a previous check recorded, as the engine sends them for a resource in the state. */
  check(news: Record<string, unknown>, olds?: Record<string, unknown>): Promise<CheckResult>;
  diff(olds: VolumeAttachmentOutputs, news: VolumeAttachmentInputs): Promise<FaceDiff>;
  create(inputs: VolumeAttachmentInputs): Promise<{ id: string; outs: VolumeAttachmentOutputs }>;
  read(id: string, props: VolumeAttachmentOutputs): Promise<{ id: string; props: Partial<VolumeAttachmentOutputs> }>;
  update(
    id: string,
    olds: VolumeAttachmentOutputs,
    news: VolumeAttachmentInputs,
  ): Promise<{ outs: VolumeAttachmentOutputs }>;
  delete(id: string): Promise<void>;
  /** Stops what the face started. */
  close(): Promise<void>;
}

/** Settings (config keys without `cinder:`) of the local noauth Cinder, with the service role asserted. */
export function noAuthSettings(overrides: Record<string, string> = {}): Record<string, string> {
  const env = stackEnv();
  return {
    authType: "noauth",
    endpoint: env.CINDER_ENDPOINT as string,
    projectId: env.OS_PROJECT_ID as string,
    userId: env.OS_USER_ID as string,
    noauthServiceRoles: "service",
    ...overrides,
  };
}

const byPath = (a: PropertyChange, b: PropertyChange) => a.path.localeCompare(b.path);

/** The dynamic provider object, configured as the dynamic-provider host configures it. */
export async function dynamicFace(settings: Record<string, string>): Promise<Face> {
  const provider = new VolumeAttachmentProvider();
  const get = (key: string) => settings[key.replace(/^cinder:/, "")];
  const require = (key: string) => get(key) ?? "";
  await provider.configure({ config: { get, require } });
  return {
    name: "dynamic",
    check: (news, olds = {}) =>
      provider.check(olds as VolumeAttachmentInputs, news as VolumeAttachmentInputs) as Promise<CheckResult>,
    diff: async (olds, news) => {
      const answer = (await provider.diff("", olds, news)) as FaceDiff;
      return { ...answer, details: [...answer.details].sort(byPath) };
    },
    create: (inputs) => provider.create(inputs) as Promise<{ id: string; outs: VolumeAttachmentOutputs }>,
    read: (id, props) => provider.read(id, props) as Promise<{ id: string; props: VolumeAttachmentOutputs }>,
    update: (id, olds, news) => provider.update(id, olds, news) as Promise<{ outs: VolumeAttachmentOutputs }>,
    delete: (id) => provider.delete(id),
    close: async () => undefined,
  };
}

const URN = `urn:pulumi:test::faces::${PLUGIN_TYPE}::attachment`;

const KINDS: Record<proto.PropertyDiff.Kind, Pick<PropertyChange, "kind" | "replace">> = {
  [proto.PropertyDiff.Kind.ADD]: { kind: "add", replace: false },
  [proto.PropertyDiff.Kind.ADD_REPLACE]: { kind: "add", replace: true },
  [proto.PropertyDiff.Kind.DELETE]: { kind: "delete", replace: false },
  [proto.PropertyDiff.Kind.DELETE_REPLACE]: { kind: "delete", replace: true },
  [proto.PropertyDiff.Kind.UPDATE]: { kind: "update", replace: false },
  [proto.PropertyDiff.Kind.UPDATE_REPLACE]: { kind: "update", replace: true },
};

/** A plugin face and its process: the secret keys of the last outputs are kept for assertions. */
export interface PluginFace extends Face {
  readonly plugin: PluginProcess;
  /** The top-level keys marked secret in the last create/read/update answer. */
  lastSecrets(): string[];
}

/** The built resource plugin, started and configured with the settings as the default provider's stack config. */
export async function pluginFace(settings: Record<string, string>): Promise<PluginFace> {
  const plugin = await PluginProcess.start();
  await plugin.configure(settings);
  let secrets: string[] = [];
  const received = (struct: Parameters<typeof fromStruct>[0]) => {
    const got = fromStruct(struct);
    secrets = got.secrets;
    return got.values as VolumeAttachmentOutputs;
  };
  return {
    name: "plugin",
    plugin,
    lastSecrets: () => secrets,
    check: async (news, olds = {}) => {
      const request = new proto.CheckRequest()
        .setUrn(URN)
        .setType(PLUGIN_TYPE)
        .setOlds(await toStruct(olds))
        .setNews(await toStruct(news));
      const response = await plugin.call<proto.CheckRequest, proto.CheckResponse>("check", request);
      return {
        inputs: fromStruct(response.getInputs()).values as VolumeAttachmentInputs,
        failures: response.getFailuresList().map((f) => ({ property: f.getProperty(), reason: f.getReason() })),
      };
    },
    diff: async (olds, news) => {
      const request = new proto.DiffRequest()
        .setUrn(URN)
        .setType(PLUGIN_TYPE)
        .setId(olds.attachmentId)
        .setOlds(await toStruct(olds))
        .setNews(await toStruct(news));
      const response = await plugin.call<proto.DiffRequest, proto.DiffResponse>("diff", request);
      const details: PropertyChange[] = [];
      response.getDetaileddiffMap().forEach((diff, path) => details.push({ path, ...KINDS[diff.getKind()] }));
      return {
        changes: response.getChanges() === proto.DiffResponse.DiffChanges.DIFF_SOME,
        replaces: response.getReplacesList(),
        deleteBeforeReplace: response.getDeletebeforereplace(),
        details: details.sort(byPath),
      };
    },
    create: async (inputs) => {
      const request = new proto.CreateRequest()
        .setUrn(URN)
        .setType(PLUGIN_TYPE)
        .setProperties(await toStruct(inputs));
      const response = await plugin.call<proto.CreateRequest, proto.CreateResponse>("create", request);
      return { id: response.getId(), outs: received(response.getProperties()) };
    },
    read: async (id, props) => {
      const request = new proto.ReadRequest()
        .setUrn(URN)
        .setType(PLUGIN_TYPE)
        .setId(id)
        .setProperties(await toStruct(props));
      const response = await plugin.call<proto.ReadRequest, proto.ReadResponse>("read", request);
      return { id: response.getId(), props: response.getId() ? received(response.getProperties()) : {} };
    },
    update: async (id, olds, news) => {
      const request = new proto.UpdateRequest()
        .setUrn(URN)
        .setType(PLUGIN_TYPE)
        .setId(id)
        .setOlds(await toStruct(olds))
        .setNews(await toStruct(news));
      const response = await plugin.call<proto.UpdateRequest, proto.UpdateResponse>("update", request);
      return { outs: received(response.getProperties()) };
    },
    delete: async (id) => {
      const request = new proto.DeleteRequest().setUrn(URN).setType(PLUGIN_TYPE).setId(id);
      await plugin.call("delete", request);
    },
    close: () => plugin.stop(),
  };
}

/** Both faces, for `describe.each`: each entry starts its face with the given settings. */
export const FACES: readonly [string, (settings: Record<string, string>) => Promise<Face>][] = [
  ["dynamic provider", dynamicFace],
  ["resource plugin", pluginFace],
];
