/** Choosing the Block Storage endpoint from a Keystone service catalog. Pure: no I/O. */
import { ProviderError } from "../../errors";
import type { CatalogService } from "./schemas";

/** Service types of Block Storage v3, in the order they are tried (the official one first). */
export const BLOCK_STORAGE_TYPES = ["block-storage", "volumev3"] as const;

/** Endpoint interfaces. */
export type EndpointInterface = "public" | "internal" | "admin";

/** The catalog has no endpoint that fits; the message lists what it does have. */
export class EndpointNotFoundError extends ProviderError {
  static override readonly kind: string = "EndpointNotFoundError";
}

/**
 * The URL of the first Block Storage service type that has an endpoint of `iface` (in `region`
 * when given).
 * @throws EndpointNotFoundError naming the service types, interface and region looked for.
 */
export function findBlockStorageEndpoint(
  catalog: readonly CatalogService[],
  iface: EndpointInterface,
  region?: string,
): string {
  for (const type of BLOCK_STORAGE_TYPES) {
    for (const service of catalog.filter((s) => s.type === type)) {
      const endpoint = service.endpoints.find((e) => e.interface === iface && (!region || e.region === region));
      if (endpoint) return endpoint.url;
    }
  }
  const offered = catalog
    .map(
      (s) =>
        `${s.type} (${[...new Set(s.endpoints.map((e) => `${e.interface}${e.region ? `@${e.region}` : ""}`))].join(", ")})`,
    )
    .join("; ");
  throw new EndpointNotFoundError(
    `The service catalog has no ${BLOCK_STORAGE_TYPES.join(" or ")} endpoint with interface "${iface}"` +
      `${region ? ` in region "${region}"` : ""}. It offers: ${offered || "nothing"}. ` +
      `Fix the region or interface, ask the cloud's operators for the endpoint, or set the endpoint explicitly.`,
  );
}
