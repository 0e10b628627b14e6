/**
 * The VolumeAttachment resource's behaviour: each dynamic-provider method, composed from the Cinder
 * client, the input schema, the diff plan and the output mapping. Runs in the provider process only;
 * {@link VolumeAttachmentProvider} loads it by package name so none of it is serialized into state.
 */
import type { z } from "zod";
import { type Attachment, getAttachment, listAttachments, updateAttachment } from "../cinder/attachments";
import type { CinderClient } from "../cinder/client";
import { CinderNotFoundError, isCinderStatus } from "../cinder/errors";
import { ATTACHMENT_COMPLETE, ATTACHMENT_MODE, formatMicroversion } from "../cinder/microversion";
import { getVolume, listVolumesByName } from "../cinder/volumes/requests";
import { adviseOnFailure } from "../config/advice";
import { connectCinder } from "../config/connect";
import {
  type ReliabilityOptions,
  type ReliabilitySettings,
  reliabilityOptions,
  resolveReliability,
} from "../config/reliability";
import { type ConfigLookup, type ConnectionSettings, resolveSettings } from "../config/settings";
import { errorMessage } from "../errors";
import { type VolumeRef, adoptAttachment } from "./adopt";
import { type AttachmentClaims, processClaims } from "./claims";
import {
  type Capabilities,
  type CheckResult,
  checkInputs,
  gatesPassedBefore,
  needsCapabilities,
  withGates,
} from "./check";
import { type PropertyChange, planDiff } from "./diff";
import { InvalidArgumentsError, VolumeLookupError } from "./errors";
import {
  type GetAttachmentArgs,
  type GetAttachmentResult,
  type GetAttachmentsArgs,
  type GetAttachmentsResult,
  getAttachmentArgsSchema,
  getAttachmentsArgsSchema,
} from "./lookups";
import { toOutputs } from "./outputs";
import { completeVerified } from "./recovery/complete";
import { type CreateOutcome, createWithRecovery } from "./recovery/create";
import { deleteWithRecovery } from "./recovery/delete";
import { adoptOrphan, findOrphan } from "./recovery/orphan";
import { inputsShownBy } from "./shownInputs";
import { UUID_PATTERN, type VolumeAttachmentInputs, type VolumeAttachmentOutputs } from "./shape";

/** What `diff` answers: what the dynamic provider protocol takes, plus the changes by property path. */
export interface DiffAnswer {
  changes: boolean;
  replaces: string[];
  deleteBeforeReplace: boolean;
  /** Each changed property path, for the plugin's detailed diff (the dynamic protocol has none). */
  details: PropertyChange[];
}

/** What `read` answers: the outputs and the inputs to record, or an empty id when the attachment is gone. */
export type ReadAnswer =
  | { id: string; props: VolumeAttachmentOutputs; inputs: VolumeAttachmentInputs }
  | { id: ""; props: Record<string, never>; inputs?: undefined };

/** A create that got as far as making the attachment: the engine records it instead of leaking it. */
export interface PartialCreateError extends Error {
  id: string;
  properties: VolumeAttachmentOutputs;
  reasons: string[];
}

/** Connects a client for the settings (the default is config/connect.ts's; tests give their own). */
export type Connect = (settings: ConnectionSettings) => Promise<CinderClient>;

/** What {@link AttachmentOperations} is built from. */
export interface OperationsOptions {
  /** The connection settings, read on first use. */
  readonly connection: () => ConnectionSettings;
  /** Wait and recovery settings over the defaults of config/reliability.ts, read on first use. */
  readonly reliability?: () => ReliabilitySettings;
  /** Connects a client for the settings (default: config/connect.ts's). */
  readonly connect?: Connect;
  /** The attachments known to be held by a resource (default: the whole process's, claims.ts). */
  readonly claims?: AttachmentClaims;
}

/** What the engine says of one call, beside its inputs. */
export interface CallOptions {
  /**
   * The resource's `customTimeouts` for this operation (ms; the resource plugin's CreateRequest and
   * UpdateRequest carry it, the dynamic provider protocol does not): bounds each wait of the call
   * instead of waitTimeout. Absent or 0: none set.
   */
  readonly timeoutMs?: number;
}

/** One provider process's operations, sharing one connected client. */
export class AttachmentOperations {
  private clientPromise?: Promise<CinderClient>;
  private reliabilityOptions?: ReliabilityOptions;
  private connectionSettings?: ConnectionSettings;
  private checkCapabilities?: Promise<Capabilities | undefined>;

  private readonly claims: AttachmentClaims;

  constructor(private readonly options: OperationsOptions) {
    this.claims = options.claims ?? processClaims;
  }

  /** Operations configured from stack config (consulted first) and the environment. */
  static fromConfig(config: ConfigLookup, env: NodeJS.ProcessEnv = process.env): AttachmentOperations {
    return new AttachmentOperations({
      connection: () => resolveSettings(config, env),
      reliability: () => resolveReliability(config, env),
    });
  }

  /** The connected client, created on first use. A failed connect is retried by the next call. */
  client(): Promise<CinderClient> {
    if (!this.clientPromise) {
      const connect = this.options.connect ?? connectCinder;
      this.clientPromise = Promise.resolve().then(() => connect(this.settings()));
      this.clientPromise.catch(() => (this.clientPromise = undefined));
    }
    return this.clientPromise;
  }

  /** The connection settings, read once. */
  private settings(): ConnectionSettings {
    this.connectionSettings ??= this.options.connection();
    return this.connectionSettings;
  }

  /** Runs one operation; its error carries the settings that fix it, where settings explain it. */
  private async guarded<T>(operation: () => Promise<T>): Promise<T> {
    try {
      return await operation();
    } catch (err) {
      throw this.connectionSettings ? adviseOnFailure(err, this.connectionSettings) : err;
    }
  }

  /** Wait and recovery settings, defaults filled; a call's own timeout replaces waitTimeout. */
  reliability(call: CallOptions = {}): ReliabilityOptions {
    this.reliabilityOptions ??= reliabilityOptions(this.options.reliability?.() ?? {});
    const { timeoutMs = 0 } = call;
    return timeoutMs > 0 ? { ...this.reliabilityOptions, waitTimeoutMs: timeoutMs } : this.reliabilityOptions;
  }

  /**
   * Validates inputs and fills defaults. Inputs whose gates depend on the server (a connector, a
   * mode) are checked against its microversions, discovered once per process, where Cinder can be
   * reached, unless `olds` (the inputs recorded by the previous check) passed the same gates; bad
   * inputs fail before any request.
   */
  async check(news: Record<string, unknown>, olds?: Record<string, unknown>): Promise<CheckResult> {
    return this.guarded(async () => {
      const given = withoutEngineKeys(news);
      const result = checkInputs(given);
      if (result.failures.length > 0 || !needsCapabilities(result.inputs)) return result;
      const before = gatesPassedBefore(given, result.inputs, olds && withoutEngineKeys(olds));
      if (before) return before;
      // Where Cinder cannot be asked (not configured or not reachable in a preview), the gates wait
      // for create, which decides them again before its first write.
      // One try per process: a preview of many resources does not wait for an unreachable Cinder each time.
      this.checkCapabilities ??= this.capabilities().catch(() => undefined);
      const capabilities = await this.checkCapabilities;
      return capabilities ? withGates(given, result.inputs, capabilities) : result;
    });
  }

  /** What the connected Cinder offers, for the gates of `check` and `create`. */
  async capabilities(): Promise<Capabilities> {
    const client = await this.client();
    const negotiated = await client.negotiated();
    return {
      maxMicroversion: formatMicroversion(negotiated),
      complete: await client.supports(ATTACHMENT_COMPLETE),
      mode: await client.supports(ATTACHMENT_MODE),
    };
  }

  /** A connector or `complete` change is an update; volume, instance, mode or adopted id a replacement. */
  async diff(olds: VolumeAttachmentOutputs, news: VolumeAttachmentInputs): Promise<DiffAnswer> {
    return this.guarded(async () => {
      this.claims.claim(olds.attachmentId);
      const plan = planDiff(olds, withoutEngineKeys(news) as unknown as VolumeAttachmentInputs);
      if (plan.changes.length === 0) {
        return { changes: false, replaces: [], deleteBeforeReplace: false, details: [] };
      }
      // Attaching the same volume again: a second attachment fits only on a multiattach volume.
      const deleteBeforeReplace =
        plan.replaces.length > 0 && plan.sameVolume && !(await this.isMultiattach(olds.volumeId));
      return { changes: true, replaces: plan.replaces, deleteBeforeReplace, details: plan.details };
    });
  }

  /**
   * Reserves or connects (then completes when asked), or adopts `attachmentId`. Takes over the orphan
   * an interrupted create of the same inputs left instead of making a second attachment
   * (recovery/orphan.ts). When Cinder's answer to the create is lost, finds out what it did
   * (recovery/create.ts): a create is never sent twice blindly.
   */
  async create(
    inputs: VolumeAttachmentInputs,
    call: CallOptions = {},
  ): Promise<{ id: string; outs: VolumeAttachmentOutputs }> {
    return this.guarded(async () => {
      const client = await this.client();
      const reliability = this.reliability(call);
      // Every gate before the first request (check has said so already, unless it ran elsewhere or
      // took the recorded inputs' word): a refusal of the create's microversion (406) would come after
      // the orphan check, and one of os-complete's after the attachment is made.
      if (inputs.complete) {
        await client.require("Completing an attachment (complete, os-complete)", ATTACHMENT_COMPLETE);
      }
      if (inputs.mode) await client.require("Attach mode (mode)", ATTACHMENT_MODE);
      const volume = await this.resolveVolume(client, inputs.volumeId);
      if (inputs.attachmentId) {
        this.claims.claim(inputs.attachmentId);
        return this.adopt(client, inputs, inputs.attachmentId, volume, reliability);
      }
      const outcome = await this.claims
        .exclusive(`${volume.id} ${inputs.instanceUuid ?? ""}`, () =>
          this.createOrTakeOver(client, volume.id, inputs, reliability),
        )
        .catch((err: unknown) => {
          throw missingVolume(err, volume.id) ?? err;
        });
      const { attachment } = outcome;
      const created = toOutputs(inputs, attachment, { volumeName: volume.name, status: outcome.status });
      if (!inputs.complete || created.status === "attached") {
        return { id: attachment.id, outs: plain(created) };
      }
      await this.completeOrRecord(client, created, reliability);
      return { id: attachment.id, outs: plain({ ...created, status: "attached" }) };
    });
  }

  /** The orphan of an interrupted create taken over, else a new attachment; claimed either way. */
  private async createOrTakeOver(
    client: CinderClient,
    volumeId: string,
    inputs: VolumeAttachmentInputs,
    reliability: ReliabilityOptions,
  ): Promise<CreateOutcome> {
    const isClaimed = (id: string) => this.claims.isClaimed(id);
    const orphan = await findOrphan(client, volumeId, inputs, isClaimed, reliability);
    const outcome = orphan
      ? await adoptOrphan(client, orphan, inputs, reliability)
      : await createWithRecovery(client, { volumeId, inputs, isClaimed }, reliability);
    this.claims.claim(outcome.attachment.id);
    return outcome;
  }

  /**
   * The attachment as Cinder has it now, with the inputs to keep in the state; an empty id when it is
   * gone. Without a state (`pulumi import`), the inputs are the ones Cinder shows (shownInputs.ts).
   */
  async read(id: string, props: VolumeAttachmentOutputs | undefined): Promise<ReadAnswer> {
    return this.guarded(async () => {
      this.claims.claim(id);
      const client = await this.client();
      let attachment: Attachment;
      try {
        attachment = await getAttachment(client, id);
      } catch (err) {
        if (isCinderStatus(err, 404)) return { id: "", props: {} };
        throw err;
      }
      const inputs = props ? inputsOf(props) : inputsShownBy(attachment);
      const volumeName = props ? props.volumeName : await this.volumeName(client, attachment.volumeId);
      return { id: attachment.id, props: plain(toOutputs(inputs, attachment, { volumeName })), inputs: plain(inputs) };
    });
  }

  /** getAttachment: one attachment by id, as a VolumeAttachment's outputs describe it. */
  async getAttachment(args: GetAttachmentArgs): Promise<GetAttachmentResult> {
    return this.guarded(async () => {
      const { attachmentId } = parseArgs(getAttachmentArgsSchema(), args);
      const attachment = await getAttachment(await this.client(), attachmentId);
      return plain(lookedUp(attachment));
    });
  }

  /** getAttachments: the attachments of a volume and/or an instance, in a status, from every page of the list. */
  async getAttachments(args: GetAttachmentsArgs): Promise<GetAttachmentsResult> {
    return this.guarded(async () => {
      const filters = parseArgs(getAttachmentsArgsSchema(), args);
      const found = await listAttachments(await this.client(), {
        volumeId: filters.volumeId,
        instanceId: filters.instanceUuid,
        status: filters.status,
      });
      return { attachments: found.map((attachment) => plain(lookedUp(attachment))) };
    });
  }

  /** Sends the new connector (attachment-update) and completes again when asked. */
  async update(
    id: string,
    olds: VolumeAttachmentOutputs,
    news: VolumeAttachmentInputs,
    call: CallOptions = {},
  ): Promise<{ outs: VolumeAttachmentOutputs }> {
    return this.guarded(async () => {
      this.claims.claim(id);
      const client = await this.client();
      const plan = planDiff(olds, news);
      let outs: VolumeAttachmentOutputs = {
        ...(withoutEngineKeys(olds) as unknown as VolumeAttachmentOutputs),
        ...news,
        volumeId: olds.volumeId,
        attachmentId: id,
      };
      if (plan.changes.includes("connector") && news.connector) {
        const attachment = await updateAttachment(client, id, news.connector);
        outs = toOutputs(news, attachment, { volumeName: olds.volumeName, status: "attaching" });
      }
      if (news.complete && outs.status !== "attached") {
        await completeVerified(client, id, this.reliability(call));
        outs = { ...outs, status: "attached" };
      }
      return { outs: plain(outs) };
    });
  }

  /** attachment-delete, with the recovery of recovery/delete.ts; an attachment already gone counts as deleted. */
  async delete(id: string): Promise<void> {
    return this.guarded(async () => {
      return deleteWithRecovery(await this.client(), id);
    });
  }

  private async adopt(
    client: CinderClient,
    inputs: VolumeAttachmentInputs,
    id: string,
    volume: VolumeRef,
    reliability: ReliabilityOptions,
  ) {
    let outs = await adoptAttachment(client, inputs, id, volume);
    if (inputs.complete && outs.status !== "attached") {
      await this.completeOrRecord(client, outs, reliability);
      outs = { ...outs, status: "attached" };
    }
    return { id, outs: plain(outs) };
  }

  /** Completes; if that fails, throws the partial-create error so the engine keeps the attachment in state. */
  private async completeOrRecord(
    client: CinderClient,
    outs: VolumeAttachmentOutputs,
    reliability: ReliabilityOptions,
  ): Promise<void> {
    try {
      await completeVerified(client, outs.attachmentId, reliability);
    } catch (err) {
      const reason = errorMessage(err);
      const partial = new Error(
        `attachment ${outs.attachmentId} was created but completing it failed: ${reason}. ` +
          `It is recorded in the stack; run the update again to complete it, or destroy it`,
      ) as PartialCreateError;
      partial.id = outs.attachmentId;
      partial.properties = outs;
      // The engine shows only the reasons of a partial create: they carry the whole message.
      partial.reasons = [partial.message];
      throw partial;
    }
  }

  /** An ID is taken as it is (Cinder checks it); a name must match exactly one volume. */
  private async resolveVolume(client: CinderClient, ref: string): Promise<VolumeRef> {
    if (UUID_PATTERN.test(ref)) {
      return { id: ref };
    }
    const matches = await listVolumesByName(client, ref);
    const exact = matches.filter((volume) => volume.name === ref);
    if (exact.length === 1) return exact[0] as VolumeRef;
    if (exact.length === 0) {
      throw new VolumeLookupError(`volumeId "${ref}": no volume has this name or ID; check it with cinder list`);
    }
    throw new VolumeLookupError(
      `volumeId "${ref}": ${exact.length} volumes have this name (${exact.map((v) => v.id).join(", ")}); use the ID`,
    );
  }

  /** The volume's name, for an attachment read without a state; absent when the volume has none or is gone. */
  private async volumeName(client: CinderClient, volumeId: string): Promise<string | undefined> {
    try {
      return (await getVolume(client, volumeId)).name;
    } catch (err) {
      if (isCinderStatus(err, 404)) return undefined;
      throw err;
    }
  }

  private async isMultiattach(volumeId: string): Promise<boolean> {
    try {
      return (await getVolume(await this.client(), volumeId)).multiattach;
    } catch (err) {
      if (isCinderStatus(err, 404)) return false;
      throw err;
    }
  }
}

/** The error for a create that Cinder refused because the volume does not exist; undefined for any other. */
function missingVolume(err: unknown, volumeId: string): VolumeLookupError | undefined {
  const gone = CinderNotFoundError.isInstance(err) && /^Volume \S+ could not be found/.test(err.faultMessage ?? "");
  if (!gone) return undefined;
  return new VolumeLookupError(
    `volumeId "${volumeId}": no volume has this ID (Cinder: ${err.faultMessage ?? "404"}); check it with ` +
      "cinder list, and that the volume belongs to the project the provider authenticates to",
  );
}

/** A looked-up attachment as outputs: what Cinder shows, `complete` true once it is attached. */
function lookedUp(attachment: Attachment): VolumeAttachmentOutputs {
  return toOutputs({ ...inputsShownBy(attachment), complete: attachment.status === "attached" }, attachment);
}

/** The inputs part of a state: read keeps them as they were. */
function inputsOf(props: VolumeAttachmentOutputs): VolumeAttachmentInputs {
  const { volumeId, instanceUuid, connector, mode, complete, attachmentId } = props;
  return { volumeId, instanceUuid, connector, mode, complete: complete ?? false, attachmentId };
}

/** Arguments checked by `schema`; a failure names the argument. */
function parseArgs<T extends z.ZodType>(schema: T, args: unknown): z.output<T> {
  const parsed = schema.safeParse(args ?? {});
  if (parsed.success) return parsed.data;
  throw new InvalidArgumentsError(parsed.error.issues.map((issue) => issue.message).join("; "));
}

/** Plain JSON, as results cross the protocol in protobuf Structs, which take no `undefined`. */
function plain<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

/** Drops the engine's own keys (`__provider`) from a property bag. */
function withoutEngineKeys<T extends object>(props: T): Record<string, unknown> {
  return Object.fromEntries(Object.entries(props).filter(([key]) => !key.startsWith("__")));
}
