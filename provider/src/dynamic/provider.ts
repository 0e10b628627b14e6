/**
 * The dynamic provider object. {@link VolumeAttachment}'s provider module (providerModule.ts) makes
 * one in the provider process; a program that hands one to `pulumi.dynamic.Resource` itself gets it
 * serialized into the stack state (`__provider`). So it is kept tiny: each method loads the
 * implementation by package name in the provider's own process, and configuration is read there (in
 * `configure`), never captured at program time.
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
    olds: VolumeAttachmentInputs,
    news: VolumeAttachmentInputs,
  ): Promise<pulumi.dynamic.CheckResult<VolumeAttachmentInputs>> {
    return this.ops()
      .check(news, olds)
      .catch((err: unknown) => this.handOver(err));
  }

  async diff(
    _id: string,
    olds: VolumeAttachmentOutputs,
    news: VolumeAttachmentInputs,
  ): Promise<pulumi.dynamic.DiffResult> {
    return this.ops()
      .diff(olds, news)
      .catch((err: unknown) => this.handOver(err));
  }

  async create(inputs: VolumeAttachmentInputs): Promise<pulumi.dynamic.CreateResult<VolumeAttachmentOutputs>> {
    return this.ops().create(inputs);
  }

  async read(id: string, props?: VolumeAttachmentOutputs): Promise<pulumi.dynamic.ReadResult<VolumeAttachmentOutputs>> {
    // The engine keeps a dynamic resource's inputs (with its serialized provider) as they are.
    return this.ops()
      .read(id, props)
      .then(({ id, props }) => ({ id, props }))
      .catch((err: unknown) => this.handOver(err)) as Promise<pulumi.dynamic.ReadResult<VolumeAttachmentOutputs>>;
  }

  async update(
    id: string,
    olds: VolumeAttachmentOutputs,
    news: VolumeAttachmentInputs,
  ): Promise<pulumi.dynamic.UpdateResult<VolumeAttachmentOutputs>> {
    return this.ops().update(id, olds, news);
  }

  async delete(id: string): Promise<void> {
    return this.ops()
      .delete(id)
      .catch((err: unknown) => this.handOver(err));
  }

  /** Rethrows for the host; see dynamic/handOver.ts (the host prints these methods' errors twice). */
  private handOver(err: unknown): never {
    throw this.runtime().handOver(err);
  }

  private ops(): AttachmentOperations {
    if (!this.operations) {
      const config = this.config;
      this.operations = this.runtime().AttachmentOperations.fromConfig((key) => config?.get(`cinder:${key}`));
    }
    return this.operations;
  }

  private runtime(): typeof Runtime {
    // By package name: resolvable wherever the package is installed, so never serialized by value.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return require("pulumi-cinder-attachment/runtime") as typeof Runtime;
  }
}
