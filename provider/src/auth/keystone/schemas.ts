/** Wire shapes of Keystone v3 token responses (`POST /v3/auth/tokens`), the parts the provider reads. */
import { z } from "zod";

/** One endpoint of a catalog service. */
export interface CatalogEndpoint {
  readonly interface: string;
  readonly region?: string;
  readonly url: string;
}

/** One service of the catalog. */
export interface CatalogService {
  readonly type: string;
  readonly name?: string;
  readonly endpoints: readonly CatalogEndpoint[];
}

/** A token as Keystone issued it. */
export interface IssuedToken {
  /** The token itself (from the `X-Subject-Token` header). Never log it. */
  readonly value: string;
  readonly expiresAt: Date;
  readonly catalog: readonly CatalogService[];
  readonly projectId?: string;
}

/** The body of a token response (the token value comes in a header). */
export function tokenBodySchema() {
  return z.object({
    token: z.object({
      expires_at: z.string().min(1),
      catalog: z
        .array(
          z.object({
            type: z.string(),
            name: z.string().nullish(),
            endpoints: z.array(
              z.object({
                interface: z.string(),
                region: z.string().nullish(),
                region_id: z.string().nullish(),
                url: z.string(),
              }),
            ),
          }),
        )
        .nullish(),
      project: z.object({ id: z.string() }).nullish(),
    }),
  });
}

/** Keystone's error body: `{"error": {"code": 401, "title": "Unauthorized", "message": "..."}}`. */
export function keystoneErrorSchema() {
  return z.object({
    error: z.object({ code: z.number().optional(), title: z.string().optional(), message: z.string() }),
  });
}
