/** Wire shapes of the volumes API (the fields this provider reads) and their domain type. */
import { z } from "zod";
import { once } from "../../once";
import { type Page, pageSchema } from "../paging";

/** A Cinder volume, as far as attaching it is concerned. */
export interface Volume {
  readonly id: string;
  readonly name?: string;
  /** `available`, `reserved`, `attaching`, `in-use`, `detaching`, `error`, ... */
  readonly status: string;
  /** Whether the volume may carry several attachments at once. */
  readonly multiattach: boolean;
  readonly size?: number;
  readonly volumeType?: string;
}

function volumeWireSchema() {
  return z
    .object({
      id: z.string().min(1),
      name: z.string().nullish(),
      status: z.string().min(1),
      multiattach: z.boolean().nullish(),
      size: z.number().nullish(),
      volume_type: z.string().nullish(),
    })
    .transform((wire): Volume => ({
      id: wire.id,
      name: wire.name ?? undefined,
      status: wire.status,
      multiattach: wire.multiattach ?? false,
      size: wire.size ?? undefined,
      volumeType: wire.volume_type ?? undefined,
    }));
}

/** `{"volume": {...}}` */
export const volumeEnvelopeSchema = once(() =>
  z.object({ volume: volumeWireSchema() }).transform((body) => body.volume),
);

/** `{"volumes": [...], "volumes_links": [...]}`: one page of a list. */
export const volumeListSchema = once((): z.ZodType<Page<Volume>> => pageSchema("volumes", volumeWireSchema()));
