/**
 * The VolumeAttachment resource's behaviour: each dynamic-provider method, composed from the Cinder
 * client, the input schema, the diff plan and the output mapping. Runs in the provider process only;
 * {@link VolumeAttachmentProvider} loads it by package name so none of it is serialized into state.
 */
import type { CinderClient } from "../cinder/client";
import { CinderWaitError, isCinderStatus } from "../cinder/errors";
import { type Attachment, deleteAttachment, getAttachment, updateAttachment } from "../cinder/attachments";
import { isAttachmentFailureStatus } from "../cinder/attachments/wait";
import { getVolume, listVolumesByName } from "../cinder/volumes/requests";
import { connectCinder } from "../config/connect";
import { type ConfigLookup, type ConnectionSettings, resolveSettings } from "../config/settings";
import { planDiff } from "./diff";
import { AdoptionMismatchError, AttachmentDeleteRefusedError, VolumeLookupError, isDeleteRefusal } from "./errors";
import { type CheckResult, UUID_PATTERN, checkInputs } from "./inputs";
import { toOutputs } from "./outputs";
import {
  type ReliabilityOptions,
  type ReliabilitySettings,
  completeVerified,
  createWithRecovery,
  isAmbiguous,
  reliabilityOptions,
} from "./recovery";
import type { VolumeAttachmentInputs, VolumeAttachmentOutputs } from "./types";

/** What `diff` answers, as the dynamic provider protocol takes it. */
export interface DiffAnswer {
  changes: boolean;
  replaces: string[];
  deleteBeforeReplace: boolean;
}

/** A volume as the user named it, resolved. */
interface VolumeRef {
  readonly id: string;
  readonly name?: string;
}

/** A create that got as far as making the attachment: the engine records it instead of leaking it. */
export interface PartialCreateError extends Error {
  id: string;
  properties: VolumeAttachmentOutputs;
  reasons: string[];
}

/** Connects a client for the settings (the default is config/connect.ts's; tests give their own). */
export type Connect = (settings: ConnectionSettings) => Promise<CinderClient>;

/** One provider process's operations, sharing one connected client. */
export class AttachmentOperations {
  private clientPromise?: Promise<CinderClient>;
  private reliabilityOptions?: ReliabilityOptions;

  /**
   * @param settings read on first use. Optional {@link ReliabilitySettings} fields on it (wait
   * timeouts, create attempts) override the defaults of recovery.ts.
   */
  constructor(
    private readonly settings: () => ConnectionSettings & ReliabilitySettings,
    private readonly connect: Connect = connectCinder,
  ) {}

  /** Operations configured from stack config (consulted first) and the environment. */
  static fromConfig(config: ConfigLookup, env: NodeJS.ProcessEnv = process.env): AttachmentOperations {
    return new AttachmentOperations(() => resolveSettings(config, env));
  }

  /** The connected client, created on first use. A failed connect is retried by the next call. */
  client(): Promise<CinderClient> {
    if (!this.clientPromise) {
      this.clientPromise = this.connect(this.settings());
      this.clientPromise.catch(() => (this.clientPromise = undefined));
    }
    return this.clientPromise;
  }

  /** Wait and recovery settings, read with the connection settings. */
  reliability(): ReliabilityOptions {
    this.reliabilityOptions ??= reliabilityOptions(this.settings());
    return this.reliabilityOptions;
  }

  /** Validates inputs and fills defaults. Sends no request. */
  check(news: Record<string, unknown>): CheckResult {
    return checkInputs(withoutEngineKeys(news));
  }

  /** A connector or `complete` change is an update; volume, instance, mode or adopted id a replacement. */
  async diff(olds: VolumeAttachmentOutputs, news: VolumeAttachmentInputs): Promise<DiffAnswer> {
    const plan = planDiff(olds, withoutEngineKeys(news) as unknown as VolumeAttachmentInputs);
    if (plan.changes.length === 0) {
      return { changes: false, replaces: [], deleteBeforeReplace: false };
    }
    // Attaching the same volume again: a second attachment fits only on a multiattach volume.
    const deleteBeforeReplace =
      plan.replaces.length > 0 && plan.sameVolume && !(await this.isMultiattach(olds.volumeId));
    return { changes: true, replaces: plan.replaces, deleteBeforeReplace };
  }

  /**
   * Reserves or connects (then completes when asked), or adopts `attachmentId`. When Cinder's answer
   * to the create is lost, finds out what it did (see recovery.ts): a create is never sent twice blindly.
   */
  async create(inputs: VolumeAttachmentInputs): Promise<{ id: string; outs: VolumeAttachmentOutputs }> {
    const client = await this.client();
    const volume = await this.resolveVolume(client, inputs.volumeId);
    if (inputs.attachmentId) {
      return this.adopt(client, inputs, inputs.attachmentId, volume);
    }
    const outcome = await createWithRecovery(client, { volumeId: volume.id, inputs }, this.reliability());
    const { attachment } = outcome;
    const created = toOutputs(inputs, attachment, { volumeName: volume.name, status: outcome.status });
    if (!inputs.complete || created.status === "attached") {
      return { id: attachment.id, outs: plain(created) };
    }
    await this.completeOrRecord(client, created);
    return { id: attachment.id, outs: plain({ ...created, status: "attached" }) };
  }

  /** The attachment as Cinder has it now; an empty id when it is gone. */
  async read(
    id: string,
    props: VolumeAttachmentOutputs | undefined,
  ): Promise<{ id: string; props: VolumeAttachmentOutputs | Record<string, never> }> {
    const client = await this.client();
    try {
      const attachment = await getAttachment(client, id);
      return {
        id: attachment.id,
        props: plain(toOutputs(inputsOf(props, attachment), attachment, { volumeName: props?.volumeName })),
      };
    } catch (err) {
      if (isCinderStatus(err, 404)) return { id: "", props: {} };
      throw err;
    }
  }

  /** Sends the new connector (attachment-update) and completes again when asked. */
  async update(
    id: string,
    olds: VolumeAttachmentOutputs,
    news: VolumeAttachmentInputs,
  ): Promise<{ outs: VolumeAttachmentOutputs }> {
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
      await completeVerified(client, id, this.reliability());
      outs = { ...outs, status: "attached" };
    }
    return { outs: plain(outs) };
  }

  /**
   * attachment-delete; an attachment already gone counts as deleted. When Cinder's answer is lost or
   * a 5xx, the attachment is looked up: gone means deleted, `error_detaching` is reported as such.
   *
   * Without service credentials a 500 is not resent blindly: it is Cinder's OSSA-2023-003 refusal
   * (no Nova to ask) when the attachment is instance-bound and connected, and then it is reported at
   * once; for any other attachment it is Cinder's own failure, and the delete is sent again.
   */
  async delete(id: string): Promise<void> {
    const client = await this.client();
    const refusable = !client.actsAsService;
    try {
      await deleteAttachment(client, id, { resendAfter500: !refusable });
    } catch (err) {
      if (isCinderStatus(err, 404)) return;
      if (!isAmbiguous(err)) throw refusable && isDeleteRefusal(err) ? new AttachmentDeleteRefusedError(id, err) : err;
      // A 500 is both Cinder's refusal without Nova (OSSA-2023-003) and its own failure: look first.
      const left = await getAttachment(client, id).catch((lookup: unknown) => {
        if (isCinderStatus(lookup, 404)) return undefined;
        throw err;
      });
      if (!left) return;
      if (isAttachmentFailureStatus(left.status)) {
        throw new CinderWaitError(
          `deleting attachment ${id} failed (${err instanceof Error ? err.message : String(err)}) and Cinder ` +
            `shows it ${left.status}; see the cinder-volume log, then run the destroy again or ` +
            `\`cinder attachment-delete ${id}\``,
          left.status,
        );
      }
      const mayBeRefused = left.instanceUuid !== undefined && left.connectionInfo !== undefined;
      if (refusable && isCinderStatus(err, 500) && !mayBeRefused) {
        return this.deleteAgain(client, id);
      }
      throw refusable && mayBeRefused && isDeleteRefusal(err) ? new AttachmentDeleteRefusedError(id, err) : err;
    }
  }

  /** A second attachment-delete after a 500 that cannot have been a refusal, with the client's retries. */
  private async deleteAgain(client: CinderClient, id: string): Promise<void> {
    try {
      await deleteAttachment(client, id);
    } catch (err) {
      if (!isCinderStatus(err, 404)) throw err;
    }
  }

  private async adopt(client: CinderClient, inputs: VolumeAttachmentInputs, id: string, volume: VolumeRef) {
    let attachment: Attachment;
    try {
      attachment = await getAttachment(client, id);
    } catch (err) {
      if (isCinderStatus(err, 404)) {
        throw new AdoptionMismatchError(
          `attachmentId ${id}: no such attachment to adopt; check the id with cinder attachment-list`,
        );
      }
      throw err;
    }
    if (attachment.volumeId !== volume.id) {
      throw new AdoptionMismatchError(
        `attachmentId ${id} attaches volume ${attachment.volumeId}, not volumeId ${volume.id}: fix volumeId or attachmentId`,
      );
    }
    if (inputs.instanceUuid && attachment.instanceUuid !== inputs.instanceUuid) {
      throw new AdoptionMismatchError(
        `attachmentId ${id} is for instance ${attachment.instanceUuid ?? "(none)"}, not instanceUuid ${inputs.instanceUuid}: fix instanceUuid or leave it out`,
      );
    }
    if (isAttachmentFailureStatus(attachment.status)) {
      throw new AdoptionMismatchError(
        `attachmentId ${id} is ${attachment.status} in Cinder and cannot be adopted: delete it with ` +
          `\`cinder attachment-delete ${id}\` and leave attachmentId out to make a new one`,
      );
    }
    let outs = toOutputs(inputs, attachment, { volumeName: volume.name });
    if (inputs.connector && !attachment.connectionInfo) {
      outs = toOutputs(inputs, await updateAttachment(client, id, inputs.connector), {
        volumeName: volume.name,
        status: "attaching",
      });
    }
    if (inputs.complete && outs.status !== "attached") {
      await this.completeOrRecord(client, outs);
      outs = { ...outs, status: "attached" };
    }
    return { id, outs: plain(outs) };
  }

  /** Completes; if that fails, throws the partial-create error so the engine keeps the attachment in state. */
  private async completeOrRecord(client: CinderClient, outs: VolumeAttachmentOutputs): Promise<void> {
    try {
      await completeVerified(client, outs.attachmentId, this.reliability());
    } catch (err) {
      const reason = err instanceof Error ? err.message : String(err);
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

  private async isMultiattach(volumeId: string): Promise<boolean> {
    try {
      return (await getVolume(await this.client(), volumeId)).multiattach;
    } catch (err) {
      if (isCinderStatus(err, 404)) return false;
      throw err;
    }
  }
}

/** The inputs part of a state (read keeps them as they were); without a state, what the attachment shows. */
function inputsOf(props: VolumeAttachmentOutputs | undefined, attachment: Attachment): VolumeAttachmentInputs {
  if (!props) {
    return { volumeId: attachment.volumeId, instanceUuid: attachment.instanceUuid, complete: false };
  }
  const { volumeId, instanceUuid, connector, mode, complete, attachmentId } = props;
  return { volumeId, instanceUuid, connector, mode, complete: complete ?? false, attachmentId };
}

/** Plain JSON, as results cross the protocol in protobuf Structs, which take no `undefined`. */
function plain<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

/** Drops the engine's own keys (`__provider`) from a property bag. */
function withoutEngineKeys<T extends object>(props: T): Record<string, unknown> {
  return Object.fromEntries(Object.entries(props).filter(([key]) => !key.startsWith("__")));
}
