/**
 * The resource plugin as a bench client: the built `pulumi-resource-cinder`, one long-lived process
 * for all calls (as one engine run uses one), driven over gRPC with the SDK's own stubs and property
 * serialization (test/support/faces.ts), the calls the engine makes for each operation: Check then
 * Create; Check, Diff then Update; Read; Delete.
 */
import { performance } from "node:perf_hooks";
import type { VolumeAttachmentInputs, VolumeAttachmentOutputs } from "../provider/src/volumeAttachment/shape";
import { type Face, pluginFace } from "../test/support/faces";
import { type BenchClient, type ConnectorSpec, DISCOVERY_PROBE, type Timed } from "./clients";
import { stackEnv } from "./env";

/** The plugin's settings for a noauth `endpoint`: the same identity the provider client reads from its environment. */
export function pluginNoauthSettings(endpoint: string): Record<string, string> {
  const env = stackEnv();
  return {
    authType: "noauth",
    endpoint,
    userId: env["OS_USER_ID"] ?? "admin",
    projectId: env["OS_PROJECT_ID"] ?? "admin",
  };
}

async function timed<T>(fn: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const started = performance.now();
  const value = await fn();
  return { ms: performance.now() - started, value };
}

/** The plugin process over gRPC, one call sequence per operation as the engine sends it. */
export class PluginClient implements BenchClient {
  readonly name = "plugin";
  private readonly states = new Map<string, VolumeAttachmentOutputs>();

  private constructor(
    private readonly face: Face,
    /** Start (exec to port), Configure and the connect (version discovery) in ms. */
    readonly connectMs: number,
  ) {}

  /**
   * Starts and configures the plugin, then lets it connect (version discovery: its one request per
   * process before any operation, sent by a Check of a connector) so that no operation pays for it.
   */
  static async open(endpoint: string): Promise<PluginClient> {
    const { ms, value } = await timed(async () => {
      const face = await pluginFace(pluginNoauthSettings(endpoint));
      const probe = await face.check(DISCOVERY_PROBE);
      if (probe.failures.length > 0) throw new Error(`plugin probe check failed: ${JSON.stringify(probe.failures)}`);
      return face;
    });
    return new PluginClient(value, ms);
  }

  private async checked(news: Record<string, unknown>): Promise<VolumeAttachmentInputs> {
    const { inputs, failures } = await this.face.check(news);
    if (failures.length > 0) throw new Error(`plugin check failed: ${JSON.stringify(failures)}`);
    return inputs;
  }

  private state(id: string): VolumeAttachmentOutputs {
    const state = this.states.get(id);
    if (!state) throw new Error(`plugin client: no state for attachment ${id}`);
    return state;
  }

  private async created(news: Record<string, unknown>): Promise<Timed> {
    const { ms, value } = await timed(async () => this.face.create(await this.checked(news)));
    this.states.set(value.id, value.outs);
    return { ms, id: value.id };
  }

  reserve(volumeId: string, instanceUuid: string): Promise<Timed> {
    return this.created({ volumeId, instanceUuid });
  }

  create(volumeId: string, connector: ConnectorSpec, complete: boolean): Promise<Timed> {
    return this.created({ volumeId, connector, complete });
  }

  private async change(id: string, news: Record<string, unknown>): Promise<Timed> {
    const olds = this.state(id);
    const { ms, value } = await timed(async () => {
      const inputs = await this.checked(news);
      const diff = await this.face.diff(olds, inputs);
      if (!diff.changes || diff.replaces.length > 0) {
        throw new Error(`plugin client: expected an in-place update, Diff said ${JSON.stringify(diff)}`);
      }
      return this.face.update(id, olds, inputs);
    });
    this.states.set(id, value.outs);
    return { ms };
  }

  update(id: string, connector: ConnectorSpec): Promise<Timed> {
    const olds = this.state(id);
    return this.change(id, { volumeId: olds.volumeId, connector, complete: false });
  }

  complete(id: string): Promise<Timed> {
    const olds = this.state(id);
    return this.change(id, { volumeId: olds.volumeId, connector: olds.connector, complete: true });
  }

  async read(id: string): Promise<Timed> {
    const olds = this.state(id);
    const { ms, value } = await timed(() => this.face.read(id, olds));
    if (value.id !== id) throw new Error(`plugin read of ${id} found nothing`);
    return { ms };
  }

  async delete(id: string): Promise<Timed> {
    const { ms } = await timed(() => this.face.delete(id));
    this.states.delete(id);
    return { ms };
  }

  close(): Promise<void> {
    return this.face.close();
  }
}
