/** Reading Cinder's fault bodies: `{"badRequest": {"message": "...", "code": 400}}`. */

/** The fault name and message of a Cinder error body, when it has the usual shape. */
export interface Fault {
  readonly name?: string;
  readonly message?: string;
}

const MAX_MESSAGE_LENGTH = 500;

/**
 * Extracts the fault from an error body. Cinder wraps it in one key named after the fault
 * (`badRequest`, `itemNotFound`, `computeFault`, ...); proxies may answer plain text or HTML,
 * of which only a short first line is kept.
 */
export function parseFault(body: unknown): Fault {
  if (typeof body === "string") {
    const text = body
      .replace(/<[^>]*>/g, " ")
      .replace(/\s+/g, " ")
      .trim();
    return text ? { message: text.slice(0, MAX_MESSAGE_LENGTH) } : {};
  }
  if (body === null || typeof body !== "object" || Array.isArray(body)) {
    return {};
  }
  const entries = Object.entries(body as Record<string, unknown>);
  if (entries.length !== 1) {
    return {};
  }
  const [name, value] = entries[0] as [string, unknown];
  if (value !== null && typeof value === "object" && "message" in value) {
    const message = value.message;
    return { name, message: typeof message === "string" ? message.slice(0, MAX_MESSAGE_LENGTH) : undefined };
  }
  return { name };
}
