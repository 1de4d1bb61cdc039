import { AppError } from "../core/errors";

export const MAX_BODY_BYTES = 64 * 1024;

/** Reads the request body as text, refusing anything over MAX_BODY_BYTES (413) without reading it all. */
export async function readBodyText(request: Request): Promise<string> {
  const declared = Number(request.headers.get("content-length") ?? "0");
  if (declared > MAX_BODY_BYTES) throw tooLarge();
  if (!request.body) return "";
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > MAX_BODY_BYTES) {
      await reader.cancel().catch(() => {});
      throw tooLarge();
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString("utf8");
}

// The rest of a refused body is never read, so the connection cannot carry another request: tell the client to open
// a new one rather than let it send its next request into a socket that is being closed.
function tooLarge(): AppError {
  return new AppError("payload_too_large", `Request body must be at most ${MAX_BODY_BYTES} bytes`, undefined, { Connection: "close" });
}

export function isJsonContentType(value: string | null): boolean {
  if (!value) return false;
  const type = value.split(";")[0].trim().toLowerCase();
  return type === "application/json" || (type.startsWith("application/") && type.endsWith("+json"));
}

/** Parses JSON, turning a syntax error into a 400 that says where. */
export function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new AppError("invalid_json", `Malformed JSON: ${(error as Error).message}`);
  }
}
