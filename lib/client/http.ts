import { LaneSwapError, errorFromFetchFailure, errorFromResponse } from "./errors.js";

// One JSON request to the LaneSwap REST API: a timeout on every attempt, and retries with exponential backoff
// and jitter for the failures that may go away (no answer, 5xx, 408, 429).

/** Retry settings, in seconds (fractions allowed). `retries: 0` turns retrying off. */
export type RetryOptions = { retries?: number; minDelay?: number; maxDelay?: number };
export type ResolvedRetry = { retries: number; minDelayMs: number; maxDelayMs: number };

export const DEFAULT_RETRY: ResolvedRetry = { retries: 2, minDelayMs: 250, maxDelayMs: 5_000 };

export function resolveRetry(retry: RetryOptions | false | undefined): ResolvedRetry {
  if (retry === false) return { ...DEFAULT_RETRY, retries: 0 };
  return {
    retries: Math.max(0, Math.floor(retry?.retries ?? DEFAULT_RETRY.retries)),
    minDelayMs: Math.max(0, (retry?.minDelay ?? DEFAULT_RETRY.minDelayMs / 1000) * 1000),
    maxDelayMs: Math.max(0, (retry?.maxDelay ?? DEFAULT_RETRY.maxDelayMs / 1000) * 1000),
  };
}

/** The wait before retry number `attempt` (1-based): doubling from minDelay up to maxDelay, half of it jittered. */
export function backoffDelayMs(attempt: number, retry: ResolvedRetry, random: () => number = Math.random): number {
  const ceiling = Math.min(retry.maxDelayMs, retry.minDelayMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}

/**
 * The server's root URL: trailing slashes and a trailing `/api` are dropped (the API lives under /api and the
 * dashboard at /, on one server).
 */
export function normalizeApiUrl(apiUrl: string): string {
  const trimmed = apiUrl.trim().replace(/\/+$/, "").replace(/\/api$/, "");
  let parsed: URL;
  try {
    parsed = new URL(trimmed);
  } catch {
    throw new TypeError(`LaneSwap API URL is not a valid URL: ${JSON.stringify(apiUrl)} (expected e.g. http://localhost:8000)`);
  }
  if (parsed.protocol !== "http:" && parsed.protocol !== "https:") {
    throw new TypeError(`LaneSwap API URL must be http:// or https://, got ${JSON.stringify(apiUrl)}`);
  }
  return trimmed;
}

export type HttpSettings = { apiUrl: string; apiKey?: string; timeoutMs: number; retry: ResolvedRetry };

export type JsonRequest = {
  method: "GET" | "POST" | "PATCH" | "DELETE";
  path: string;
  query?: Record<string, string | number | undefined>;
  body?: unknown;
  headers?: Record<string, string>;
  /** Aborts the request and any wait between retries (the client's close()). */
  signal?: AbortSignal;
  /** Background work: the waits between retries must not keep the host process alive. */
  unrefTimers?: boolean;
};

export async function requestJson<T>(http: HttpSettings, request: JsonRequest): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await attemptOnce<T>(http, request);
    } catch (error) {
      const failure = error instanceof LaneSwapError ? error : errorFromFetchFailure(error, http.apiUrl, http.timeoutMs);
      if (!failure.retryable || attempt >= http.retry.retries || request.signal?.aborted) throw failure;
      const backoff = backoffDelayMs(attempt + 1, http.retry);
      // A server asking for a longer pause than we are willing to wait gets the error, not a hammering.
      if (failure.retryAfterMs !== undefined && failure.retryAfterMs > http.retry.maxDelayMs) throw failure;
      await sleep(Math.max(backoff, failure.retryAfterMs ?? 0), request.signal, request.unrefTimers ?? false).catch(() => {
        throw failure;
      });
    }
  }
}

async function attemptOnce<T>(http: HttpSettings, request: JsonRequest): Promise<T> {
  const url = new URL(http.apiUrl + request.path);
  for (const [key, value] of Object.entries(request.query ?? {})) {
    if (value !== undefined && value !== "") url.searchParams.set(key, String(value));
  }
  const headers: Record<string, string> = { accept: "application/json", ...request.headers };
  if (http.apiKey) headers.authorization = `Bearer ${http.apiKey}`;
  if (request.body !== undefined) headers["content-type"] = "application/json";
  let response: Response;
  let text: string;
  try {
    [response, text] = await withTimeout(http.timeoutMs, request.signal, async (signal) => {
      const answer = await fetch(url, {
        method: request.method,
        headers,
        body: request.body === undefined ? undefined : JSON.stringify(request.body),
        signal,
      });
      return [answer, await answer.text()] as const;
    });
  } catch (error) {
    throw errorFromFetchFailure(error, http.apiUrl, http.timeoutMs);
  }
  if (!response.ok) throw errorFromResponse(response.status, response.statusText, text, response.headers.get("retry-after"));
  if (response.status === 204 || text === "") return undefined as T;
  try {
    return JSON.parse(text) as T;
  } catch (error) {
    throw new LaneSwapError({
      status: response.status,
      code: "invalid_response",
      detail: `${http.apiUrl} answered ${request.method} ${request.path} with something that is not JSON; is it a LaneSwap server?`,
      cause: error,
    });
  }
}

/** Resolves after `ms`, or rejects when the signal aborts; an unref'd wait does not keep the process alive. */
export function sleep(ms: number, signal?: AbortSignal, unref = false): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal!.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    if (unref) timer.unref?.();
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}

/**
 * Runs `work` with a signal that aborts after `ms` (a TimeoutError) or when `outer` aborts, and settles as soon as
 * that happens, whatever `work` is doing. Built by hand rather than with AbortSignal.timeout/any, and raced rather
 * than trusted, because Node 20's fetch does not always honour its signal: a combined signal nothing else
 * references can be garbage-collected mid-request, and an abort while the body is being read can leave text()
 * pending for good. A monitoring client must never hang its host on either.
 */
export async function withTimeout<T>(ms: number, outer: AbortSignal | undefined, work: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const controller = new AbortController();
  let onAbort = () => {};
  const aborted = new Promise<never>((_, reject) => {
    onAbort = () => reject(controller.signal.reason);
    controller.signal.addEventListener("abort", onAbort, { once: true });
  });
  const timer = setTimeout(() => controller.abort(new DOMException(`timed out after ${ms} ms`, "TimeoutError")), ms);
  // Like AbortSignal.timeout: the timer alone does not keep the process alive (a pending socket does).
  timer.unref?.();
  const forward = () => controller.abort(outer!.reason);
  if (outer?.aborted) forward();
  else outer?.addEventListener("abort", forward, { once: true });
  const running = Promise.resolve().then(() => work(controller.signal));
  // Whichever loses the race must not become an unhandled rejection later.
  running.catch(() => undefined);
  aborted.catch(() => undefined);
  try {
    return await Promise.race([running, aborted]);
  } finally {
    clearTimeout(timer);
    outer?.removeEventListener("abort", forward);
    controller.signal.removeEventListener("abort", onAbort);
  }
}
