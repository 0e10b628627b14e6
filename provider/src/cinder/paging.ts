/**
 * Cinder's list paging: a page holds at most `osapi_max_limit` items (1000 by default) and, when more
 * follow, a `<collection>_links` entry `{"rel": "next", "href": "...?marker=<last id>..."}`.
 */
import { z } from "zod";

/** One page of a list: its items and the marker of the next page, if any. */
export interface Page<T> {
  readonly items: T[];
  readonly nextMarker?: string;
}

/** The schema of a page of `collection` (e.g. `attachments`) whose items `item` parses. */
export function pageSchema<T>(collection: string, item: z.ZodType<T>): z.ZodType<Page<T>> {
  return z
    .object({
      [collection]: z.array(item),
      [`${collection}_links`]: z.array(z.object({ rel: z.string(), href: z.string() })).optional(),
    })
    .transform((body): Page<T> => {
      const items = body[collection] as T[];
      const links = body[`${collection}_links`] as { rel: string; href: string }[] | undefined;
      const next = links?.find((link) => link.rel === "next")?.href;
      return { items, nextMarker: next ? markerOf(next) : undefined };
    });
}

/** The `marker` query parameter of a next-page link. */
function markerOf(href: string): string | undefined {
  try {
    return new URL(href, "http://cinder.invalid/").searchParams.get("marker") ?? undefined;
  } catch {
    return undefined;
  }
}

/**
 * Reads every page: `fetch` gets one page from a marker (undefined for the first). Stops when a page
 * names no next marker, or names the marker it was read from (a server that repeats itself).
 */
export async function allPages<T>(fetch: (marker: string | undefined) => Promise<Page<T>>): Promise<T[]> {
  const items: T[] = [];
  let marker: string | undefined;
  for (;;) {
    const page = await fetch(marker);
    items.push(...page.items);
    if (!page.nextMarker || page.nextMarker === marker) return items;
    marker = page.nextMarker;
  }
}
