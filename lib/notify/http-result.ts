import type { SendResult } from "./notifier";

// How the HTTP channels (Discord, Slack, generic webhook) turn a response or a failed fetch into a SendResult.
// Error strings never contain the URL: webhook URLs carry their token.

const MAX_BODY_BYTES = 64 * 1024;
const EXCERPT_CHARS = 200;
/** Statuses meaning the endpoint no longer exists or refuses us for good: the channel is marked broken. */
const GONE_STATUSES = new Set([401, 403, 404, 410]);

/** Reads at most MAX_BODY_BYTES of the body (so the connection is released) and returns it as text. */
async function readBody(response: Response): Promise<string> {
  if (!response.body) return "";
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    while (size < MAX_BODY_BYTES) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      size += value.byteLength;
    }
    if (size >= MAX_BODY_BYTES) await reader.cancel().catch(() => {});
  } catch {
    // A body cut short still leaves us the status; keep what arrived.
  }
  return Buffer.concat(chunks).toString("utf8");
}

export function excerpt(text: string): string {
  const flat = text.replace(/\s+/g, " ").trim();
  return flat.length > EXCERPT_CHARS ? `${flat.slice(0, EXCERPT_CHARS)}…` : flat;
}

/** Milliseconds from a Retry-After header: delta seconds (may be fractional) or an HTTP date. */
export function parseRetryAfterHeader(value: string | null, now = Date.now()): number | undefined {
  if (value === null || value.trim() === "") return undefined;
  const seconds = Number(value.trim());
  if (Number.isFinite(seconds)) return seconds >= 0 ? Math.ceil(seconds * 1000) : undefined;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/** Milliseconds from a JSON body's `retry_after` (Discord: seconds, possibly a float). */
function retryAfterFromBody(body: string): number | undefined {
  try {
    const parsed: unknown = JSON.parse(body);
    if (parsed && typeof parsed === "object" && "retry_after" in parsed) {
      const seconds = Number((parsed as { retry_after: unknown }).retry_after);
      if (Number.isFinite(seconds) && seconds >= 0) return Math.ceil(seconds * 1000);
    }
  } catch {
    // not JSON
  }
  return undefined;
}

/** Maps a finished response to a SendResult, consuming (part of) its body. */
export async function resultFromResponse(response: Response): Promise<SendResult> {
  const body = await readBody(response);
  const { status } = response;
  if (status >= 200 && status < 300) return { ok: true };
  const error = `HTTP ${status}${body ? `: ${excerpt(body)}` : ""}`;
  if (status === 429) {
    const retryAfterMs = retryAfterFromBody(body) ?? parseRetryAfterHeader(response.headers.get("retry-after"));
    return { ok: false, retryable: true, gone: false, error, ...(retryAfterMs !== undefined ? { retryAfterMs } : {}) };
  }
  if (status >= 500 || status === 408) return { ok: false, retryable: true, gone: false, error };
  if (GONE_STATUSES.has(status)) return { ok: false, retryable: false, gone: true, error };
  // Other 4xx (400 bad payload, 413 too large, …) and unexpected 1xx/3xx: sending the same again will not help.
  return { ok: false, retryable: false, gone: false, error };
}

function describeError(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  const cause = (err as { cause?: unknown }).cause;
  if (cause instanceof Error) {
    const code = (cause as { code?: unknown }).code;
    return `${err.message}: ${typeof code === "string" && !cause.message.includes(code) ? `${code} ` : ""}${cause.message}`;
  }
  return err.message;
}

/** Maps a fetch that threw (network error, refused connection, abort, timeout) to a SendResult. */
export function resultFromFetchError(err: unknown, signal?: AbortSignal): SendResult {
  const name = err instanceof Error ? err.name : "";
  if (signal?.aborted || name === "AbortError" || name === "TimeoutError") {
    const reason = signal?.reason instanceof Error ? signal.reason.name : name;
    const what = reason === "TimeoutError" ? "timed out" : "aborted";
    return { ok: false, retryable: true, gone: false, error: `request ${what}` };
  }
  const cause = err instanceof Error ? (err as { cause?: { code?: unknown } }).cause : undefined;
  if (cause?.code === "ERR_INVALID_URL") return { ok: false, retryable: false, gone: false, error: "invalid URL" };
  return { ok: false, retryable: true, gone: false, error: `request failed: ${describeError(err)}` };
}

/** POSTs a JSON body and maps the outcome; never throws. */
export async function postJson(
  url: string,
  body: string,
  options: { signal: AbortSignal; headers?: Record<string, string> },
): Promise<SendResult> {
  try {
    const response = await fetch(url, {
      method: "POST",
      headers: { "Content-Type": "application/json", ...options.headers },
      body,
      signal: options.signal,
    });
    return await resultFromResponse(response);
  } catch (err) {
    return resultFromFetchError(err, options.signal);
  }
}
