/**
 * `pulumi-resource-cinder`: the Pulumi resource provider protocol (ResourceProvider over gRPC) on the
 * same core as the dynamic provider. Each RPC turns the engine's request into the core's plain values
 * (wire.ts), runs the core's operation, and answers; what only this face has (the provider's own
 * configuration, detailed diffs, functions, import) is mapped here, never reimplemented.
 * The core is loaded on the first request that needs it: the plugin serves its first RPCs at once.
 */
import * as grpc from "@grpc/grpc-js";
import { Empty } from "google-protobuf/google/protobuf/empty_pb";
import { PluginInfo } from "@pulumi/pulumi/proto/plugin_pb";
import { ResourceProviderService } from "@pulumi/pulumi/proto/provider_grpc_pb";
import * as proto from "@pulumi/pulumi/proto/provider_pb";
import type * as Reliability from "../config/reliability";
import type * as Settings from "../config/settings";
import type * as Core from "../volumeAttachment/operations";
import type { AttachmentOperations, CallOptions, DiffAnswer } from "../volumeAttachment/operations";
import { SECRET_OUTPUTS } from "../volumeAttachment/outputKeys";
import type { PropertyChange } from "../volumeAttachment/diff";
import type { VolumeAttachmentInputs, VolumeAttachmentOutputs } from "../volumeAttachment/shape";
import { grpcError, initFailedError } from "./errors";
import { packageSchema, pluginVersion } from "./package";
import { changedSettings, checkConfig, configLookup, fromVariables } from "./providerConfig";
import { fromWire, preloadWire, toWire } from "./wire";

/** The resource type this plugin serves. */
export const VOLUME_ATTACHMENT = "cinder:index:VolumeAttachment";
/** The function that looks one attachment up by id. */
export const GET_ATTACHMENT = "cinder:index:getAttachment";
/** The function that lists attachments by volume, instance and status. */
export const GET_ATTACHMENTS = "cinder:index:getAttachments";

/** The engine's value for a property not known yet. */
const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

/** One plugin process: its configuration and the operations configured from it. */
export class CinderPlugin {
  private operations?: AttachmentOperations;
  private cancelled = false;

  /** GetPluginInfo. */
  async getPluginInfo(): Promise<PluginInfo> {
    return new PluginInfo().setVersion(pluginVersion());
  }

  /** GetSchema. */
  async getSchema(): Promise<proto.GetSchemaResponse> {
    return new proto.GetSchemaResponse().setSchema(packageSchema());
  }

  /** CheckConfig: the provider's settings are checked before any request (providerConfig.ts). */
  async checkConfig(req: proto.CheckRequest): Promise<proto.CheckResponse> {
    const news = await fromWire(req.getNews());
    const [settings, reliability] = await Promise.all([loadSettings(), loadReliability()]);
    const failures = checkConfig(news.values, UNKNOWN, (lookup) => {
      settings.resolveSettings(lookup, process.env);
      reliability.reliabilityOptions(reliability.resolveReliability(lookup, process.env));
    });
    return new proto.CheckResponse()
      .setInputs(await toWire(news.values, news.secrets))
      .setFailuresList(failures.map(checkFailure));
  }

  /** DiffConfig: a changed setting is an update of the provider; it replaces no resource. */
  async diffConfig(req: proto.DiffRequest): Promise<proto.DiffResponse> {
    const [olds, news] = await Promise.all([fromWire(req.getOldInputs() ?? req.getOlds()), fromWire(req.getNews())]);
    const changed = changedSettings(olds.values, news.values);
    const response = new proto.DiffResponse()
      .setChanges(
        changed.length > 0 ? proto.DiffResponse.DiffChanges.DIFF_SOME : proto.DiffResponse.DiffChanges.DIFF_NONE,
      )
      .setDiffsList(changed)
      .setHasdetaileddiff(true);
    for (const key of changed) {
      response
        .getDetaileddiffMap()
        .set(key, new proto.PropertyDiff().setKind(proto.PropertyDiff.Kind.UPDATE).setInputdiff(true));
    }
    return response;
  }

  /** Configure: the settings from the provider's inputs (an explicit provider) or the stack config (the default one). */
  async configure(req: proto.ConfigureRequest): Promise<proto.ConfigureResponse> {
    const values = req.hasArgs()
      ? (await fromWire(req.getArgs())).values
      : fromVariables(req.getVariablesMap().toArray());
    const core = await loadCore();
    this.operations = core.AttachmentOperations.fromConfig(configLookup(values));
    return new proto.ConfigureResponse()
      .setAcceptsecrets(true)
      .setAcceptresources(false)
      .setAcceptoutputs(false)
      .setSupportspreview(false);
  }

  /** Check: the core's validation; the inputs' secrets stay secret. */
  async check(req: proto.CheckRequest): Promise<proto.CheckResponse> {
    this.requireType(req.getType(), req.getUrn());
    const [olds, news] = await Promise.all([fromWire(req.getOlds()), fromWire(req.getNews())]);
    const result = await (await this.ops()).check(news.values, olds.values);
    return new proto.CheckResponse()
      .setInputs(await toWire(result.inputs, news.secrets))
      .setFailuresList(result.failures.map(checkFailure));
  }

  /** Diff: the core's plan, with each changed property path as an update or a replacement. */
  async diff(req: proto.DiffRequest): Promise<proto.DiffResponse> {
    this.requireType(req.getType(), req.getUrn());
    const [olds, news] = await Promise.all([fromWire(req.getOlds()), fromWire(req.getNews())]);
    const answer = await (
      await this.ops()
    ).diff(olds.values as VolumeAttachmentOutputs, news.values as VolumeAttachmentInputs);
    return diffResponse(answer);
  }

  /** Create: reserve or connect (and complete), or adopt; a create that made the attachment is never lost. */
  async create(req: proto.CreateRequest): Promise<proto.CreateResponse> {
    this.requireType(req.getType(), req.getUrn());
    const inputs = await fromWire(req.getProperties());
    const secrets = [...inputs.secrets, ...SECRET_OUTPUTS];
    try {
      const { id, outs } = await (
        await this.ops()
      ).create(inputs.values as VolumeAttachmentInputs, callOptions(req.getTimeout()));
      return new proto.CreateResponse().setId(id).setProperties(await toWire(outs, secrets));
    } catch (err) {
      if (isPartialCreate(err)) {
        throw initFailedError(err.message, err.id, await toWire(err.properties, secrets), err.reasons);
      }
      throw err;
    }
  }

  /** Read: refresh (the recorded inputs are kept) or import (the inputs Cinder shows); an empty id when gone. */
  async read(req: proto.ReadRequest): Promise<proto.ReadResponse> {
    this.requireType(req.getType(), req.getUrn());
    const [props, inputs] = await Promise.all([fromWire(req.getProperties()), fromWire(req.getInputs())]);
    const state = Object.keys(props.values).length > 0 ? (props.values as VolumeAttachmentOutputs) : undefined;
    const answer = await (await this.ops()).read(req.getId(), state);
    if (!answer.id || !answer.inputs) return new proto.ReadResponse().setId("");
    const kept = Object.keys(inputs.values).length > 0 ? inputs : { values: answer.inputs, secrets: props.secrets };
    return new proto.ReadResponse()
      .setId(answer.id)
      .setProperties(await toWire(answer.props, [...props.secrets, ...SECRET_OUTPUTS]))
      .setInputs(await toWire(kept.values, kept.secrets));
  }

  /** Update: a new connector is sent with attachment-update, then completed when asked. */
  async update(req: proto.UpdateRequest): Promise<proto.UpdateResponse> {
    this.requireType(req.getType(), req.getUrn());
    const [olds, news] = await Promise.all([fromWire(req.getOlds()), fromWire(req.getNews())]);
    const { outs } = await (
      await this.ops()
    ).update(
      req.getId(),
      olds.values as VolumeAttachmentOutputs,
      news.values as VolumeAttachmentInputs,
      callOptions(req.getTimeout()),
    );
    return new proto.UpdateResponse().setProperties(await toWire(outs, [...news.secrets, ...SECRET_OUTPUTS]));
  }

  /** Delete: attachment-delete with the core's recovery; an attachment already gone counts as deleted. */
  async delete(req: proto.DeleteRequest): Promise<Empty> {
    this.requireType(req.getType(), req.getUrn());
    await (await this.ops()).delete(req.getId());
    return new Empty();
  }

  /** Invoke: the functions getAttachment and getAttachments; credentials come back secret. */
  async invoke(req: proto.InvokeRequest): Promise<proto.InvokeResponse> {
    const args = await fromWire(req.getArgs());
    const ops = await this.ops();
    let result: object;
    switch (req.getTok()) {
      case GET_ATTACHMENT:
        result = await ops.getAttachment(args.values as { attachmentId: string });
        break;
      case GET_ATTACHMENTS:
        result = await ops.getAttachments(args.values);
        break;
      default:
        throw new Error(
          `unknown function ${req.getTok()}: this plugin serves ${GET_ATTACHMENT} and ${GET_ATTACHMENTS}`,
        );
    }
    return new proto.InvokeResponse().setReturn(await toWire(result, [...args.secrets, ...SECRET_OUTPUTS]));
  }

  /**
   * Cancel: the engine is shutting down. A request already sent to Cinder is let finish so that
   * what it made is answered and recorded; nothing new is started after.
   */
  async cancel(): Promise<Empty> {
    this.cancelled = true;
    return new Empty();
  }

  private async ops(): Promise<AttachmentOperations> {
    if (this.cancelled) throw new Error("the operation was cancelled: the engine is shutting down");
    if (!this.operations) {
      // Not configured (an engine that skips Configure): the stack config and environment, as the dynamic provider.
      const core = await loadCore();
      this.operations = core.AttachmentOperations.fromConfig(() => undefined);
    }
    return this.operations;
  }

  private requireType(type: string, urn: string): void {
    const token = type || urn.split("::")[2]?.split("$").pop();
    if (token && token !== VOLUME_ATTACHMENT) {
      throw new Error(`unknown resource type ${token}: this plugin serves ${VOLUME_ATTACHMENT}`);
    }
  }
}

/** The engine's DiffResponse for the core's answer: changed keys, replacements, and each path's kind. */
function diffResponse(answer: DiffAnswer): proto.DiffResponse {
  const response = new proto.DiffResponse()
    .setChanges(answer.changes ? proto.DiffResponse.DiffChanges.DIFF_SOME : proto.DiffResponse.DiffChanges.DIFF_NONE)
    .setReplacesList(answer.replaces)
    .setDeletebeforereplace(answer.deleteBeforeReplace)
    .setDiffsList([...new Set(answer.details.map((change) => change.path.split(".")[0] ?? change.path))])
    .setHasdetaileddiff(true);
  for (const change of answer.details) {
    response.getDetaileddiffMap().set(change.path, new proto.PropertyDiff().setKind(kindOf(change)).setInputdiff(true));
  }
  return response;
}

function kindOf(change: PropertyChange): proto.PropertyDiff.Kind {
  const Kind = proto.PropertyDiff.Kind;
  switch (change.kind) {
    case "add":
      return change.replace ? Kind.ADD_REPLACE : Kind.ADD;
    case "delete":
      return change.replace ? Kind.DELETE_REPLACE : Kind.DELETE;
    case "update":
      return change.replace ? Kind.UPDATE_REPLACE : Kind.UPDATE;
  }
}

/** The engine's timeout of a call (seconds, the resource's `customTimeouts`; 0, none set, stays 0). */
function callOptions(timeoutSeconds: number): CallOptions {
  return { timeoutMs: timeoutSeconds * 1000 };
}

function checkFailure(failure: { property: string; reason: string }): proto.CheckFailure {
  return new proto.CheckFailure().setProperty(failure.property).setReason(failure.reason);
}

/** The core's partial-create error (operations.ts): the attachment exists, a later step failed. */
function isPartialCreate(
  err: unknown,
): err is Error & { id: string; properties: VolumeAttachmentOutputs; reasons: string[] } {
  return err instanceof Error && typeof (err as { id?: unknown }).id === "string" && "properties" in err;
}

/**
 * Loads the core and the SDK's helpers in the background, once the plugin serves: the engine's
 * Configure and first Check then find them loaded instead of waiting for them.
 */
export function preload(): void {
  preloadWire();
  Promise.all([loadCore(), loadSettings(), loadReliability()]).catch(() => undefined);
}

const loadCore = (): Promise<typeof Core> => import("../volumeAttachment/operations");
const loadSettings = (): Promise<typeof Settings> => import("../config/settings");
const loadReliability = (): Promise<typeof Reliability> => import("../config/reliability");

/** Adapts an async method to a unary gRPC handler: its error reaches the engine as a message. */
function unary<Req, Res>(method: (req: Req) => Promise<Res>): grpc.handleUnaryCall<Req, Res> {
  return (call, callback) => {
    method(call.request).then(
      (response) => callback(null, response),
      (err: unknown) => callback(isServiceError(err) ? err : grpcError(err)),
    );
  };
}

function isServiceError(err: unknown): err is grpc.ServiceError {
  return err instanceof Error && typeof (err as { code?: unknown }).code === "number" && "metadata" in err;
}

/** Starts the server on a free loopback port and resolves to that port. */
export async function serve(plugin = new CinderPlugin()): Promise<number> {
  const server = new grpc.Server({
    "grpc.max_receive_message_length": 400 * 1024 * 1024,
    "grpc.max_send_message_length": 400 * 1024 * 1024,
  });
  // Methods left out (Construct, Call, StreamInvoke, Parameterize, ...) answer UNIMPLEMENTED.
  server.addService(ResourceProviderService, {
    getPluginInfo: unary<Empty, PluginInfo>(() => plugin.getPluginInfo()),
    getSchema: unary<proto.GetSchemaRequest, proto.GetSchemaResponse>(() => plugin.getSchema()),
    checkConfig: unary((req: proto.CheckRequest) => plugin.checkConfig(req)),
    diffConfig: unary((req: proto.DiffRequest) => plugin.diffConfig(req)),
    configure: unary((req: proto.ConfigureRequest) => plugin.configure(req)),
    check: unary((req: proto.CheckRequest) => plugin.check(req)),
    diff: unary((req: proto.DiffRequest) => plugin.diff(req)),
    create: unary((req: proto.CreateRequest) => plugin.create(req)),
    read: unary((req: proto.ReadRequest) => plugin.read(req)),
    update: unary((req: proto.UpdateRequest) => plugin.update(req)),
    delete: unary((req: proto.DeleteRequest) => plugin.delete(req)),
    invoke: unary((req: proto.InvokeRequest) => plugin.invoke(req)),
    cancel: unary<Empty, Empty>(() => plugin.cancel()),
  });
  return new Promise((resolve, reject) => {
    server.bindAsync("127.0.0.1:0", grpc.ServerCredentials.createInsecure(), (err, port) =>
      err ? reject(err) : resolve(port),
    );
  });
}
