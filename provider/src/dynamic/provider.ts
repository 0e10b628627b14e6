/**
 * The dynamic provider object. The engine serializes it into the stack state (`__provider`), so it is
 * kept tiny: each method loads the implementation by package name in the provider's own process,
 * and configuration is read there (in `configure`), never captured at program time.
 */
import type * as pulumi from "@pulumi/pulumi";
import type { AttachmentOperations } from "../volumeAttachment/operations";
import type { VolumeAttachmentInputs, VolumeAttachmentOutputs } from "../volumeAttachment/shape";
import type * as Runtime from "./runtime";

/**
 * Implements `pulumi.dynamic.ResourceProvider` for Cinder attachments (attach/detach V2, 3.27+).
 * Constructible with no arguments; settings come from stack config `cinder:*` or the environment.
 */
export class VolumeAttachmentProvider implements pulumi.dynamic.ResourceProvider<
  VolumeAttachmentInputs,
  VolumeAttachmentOutputs
> {
  private operations?: AttachmentOperations;
  private config?: pulumi.dynamic.Config;

  /** Called by the engine once per provider process with the stack's config. */
  async configure(req: pulumi.dynamic.ConfigureRequest): Promise<void> {
    this.config = req.config;
    this.operations = undefined;
  }

  async check(
    _olds: VolumeAttachmentInputs,
    news: VolumeAttachmentInputs,
  ): Promise<pulumi.dynamic.CheckResult<VolumeAttachmentInputs>> {
    return this.ops().check(news);
  }

  async diff(
    _id: string,
    olds: VolumeAttachmentOutputs,
    news: VolumeAttachmentInputs,
  ): Promise<pulumi.dynamic.DiffResult> {
    return this.ops().diff(olds, news);
  }

  async create(inputs: VolumeAttachmentInputs): Promise<pulumi.dynamic.CreateResult<VolumeAttachmentOutputs>> {
    return this.ops().create(inputs);
  }

  async read(id: string, props?: VolumeAttachmentOutputs): Promise<pulumi.dynamic.ReadResult<VolumeAttachmentOutputs>> {
    return this.ops().read(id, props) as Promise<pulumi.dynamic.ReadResult<VolumeAttachmentOutputs>>;
  }

  async update(
    id: string,
    olds: VolumeAttachmentOutputs,
    news: VolumeAttachmentInputs,
  ): Promise<pulumi.dynamic.UpdateResult<VolumeAttachmentOutputs>> {
    return this.ops().update(id, olds, news);
  }

  async delete(id: string): Promise<void> {
    return this.ops().delete(id);
  }

  private ops(): AttachmentOperations {
    if (!this.operations) {
      // By package name: resolvable wherever the package is installed, so never serialized by value.
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const runtime = require("pulumi-cinder-attachment/runtime") as typeof Runtime;
      const config = this.config;
      this.operations = runtime.AttachmentOperations.fromConfig((key) => config?.get(`cinder:${key}`));
    }
    return this.operations;
  }
}
