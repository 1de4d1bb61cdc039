// The one error type the client library rejects with. Server errors keep the server's JSON error shape
// ({detail, error: {code, message, fields?}}); failures without an answer get a client-side code.

/** Codes the client itself produces, besides the server's codes (not_found, unauthorized, validation_failed, …). */
export type ClientErrorCode =
  | "timeout"
  | "network_error"
  | "aborted"
  | "invalid_response"
  | "no_service"
  | "server_unavailable";

export type LaneSwapErrorInit = {
  /** The HTTP status, or null when no answer arrived (timeout, refused connection). */
  status: number | null;
  code: string;
  detail: string;
  fields?: Record<string, string>;
  /** Whether trying the same request again may succeed (no answer, 5xx, 408, 429). */
  retryable?: boolean;
  /** How long the server asked us to wait (429 Retry-After), in milliseconds. */
  retryAfterMs?: number;
  cause?: unknown;
};

export class LaneSwapError extends Error {
  readonly status: number | null;
  readonly code: string;
  readonly detail: string;
  readonly fields?: Record<string, string>;
  readonly retryable: boolean;
  readonly retryAfterMs?: number;

  constructor(init: LaneSwapErrorInit) {
    super(init.detail, init.cause === undefined ? undefined : { cause: init.cause });
    this.name = "LaneSwapError";
    this.status = init.status;
    this.code = init.code;
    this.detail = init.detail;
    if (init.fields) this.fields = init.fields;
    this.retryable = init.retryable ?? false;
    if (init.retryAfterMs !== undefined) this.retryAfterMs = init.retryAfterMs;
  }
}

export function isLaneSwapError(value: unknown): value is LaneSwapError {
  return value instanceof LaneSwapError;
}

/** Retryable HTTP statuses: the server or something in front of it may answer differently next time. */
export function isRetryableStatus(status: number): boolean {
  return status >= 500 || status === 408 || status === 429;
}

/** The error for a non-2xx answer, from the server's JSON error shape when the body has it. */
export function errorFromResponse(status: number, statusText: string, bodyText: string, retryAfter: string | null): LaneSwapError {
  let detail = `HTTP ${status}${statusText ? ` ${statusText}` : ""}`;
  let code = `http_${status}`;
  let fields: Record<string, string> | undefined;
  try {
    const body = JSON.parse(bodyText) as { detail?: unknown; error?: { code?: unknown; message?: unknown; fields?: unknown } };
    if (typeof body?.error?.code === "string") code = body.error.code;
    if (typeof body?.detail === "string") detail = body.detail;
    else if (typeof body?.error?.message === "string") detail = body.error.message;
    if (body?.error?.fields && typeof body.error.fields === "object") fields = body.error.fields as Record<string, string>;
  } catch {
    // Not JSON (a proxy's HTML page, say): keep the HTTP status line.
  }
  const retryAfterMs = parseRetryAfter(retryAfter);
  return new LaneSwapError({ status, code, detail, fields, retryable: isRetryableStatus(status), retryAfterMs });
}

/** Milliseconds from a Retry-After header (seconds or an HTTP date). */
export function parseRetryAfter(value: string | null, now = Date.now()): number | undefined {
  if (!value || !value.trim()) return undefined;
  const seconds = Number(value.trim());
  if (Number.isFinite(seconds)) return seconds >= 0 ? Math.ceil(seconds * 1000) : undefined;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/** The error for a request that got no answer: a timeout, an abort (close()) or a network failure. */
export function errorFromFetchFailure(error: unknown, url: string, timeoutMs: number): LaneSwapError {
  const name = error instanceof Error ? error.name : "";
  if (name === "TimeoutError") {
    return new LaneSwapError({
      status: null,
      code: "timeout",
      detail: `LaneSwap at ${url} did not answer within ${timeoutMs / 1000} s`,
      retryable: true,
      cause: error,
    });
  }
  if (name === "AbortError") {
    return new LaneSwapError({ status: null, code: "aborted", detail: "The request was cancelled (the client was closed)", cause: error });
  }
  const cause = error instanceof Error ? (error as { cause?: { code?: unknown; message?: unknown } }).cause : undefined;
  const why = typeof cause?.code === "string" ? cause.code : typeof cause?.message === "string" ? cause.message : String(error);
  return new LaneSwapError({
    status: null,
    code: "network_error",
    detail: `LaneSwap is unreachable at ${url} (${why}); is the server running and is the API URL right?`,
    retryable: true,
    cause: error,
  });
}
