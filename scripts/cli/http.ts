import { CliError } from "./errors";

// The REST API over plain fetch, with every failure turned into a CliError that says what to do.

export const KEY_HINT =
  "set LANESWAP_API_KEY or pass --api-key; create one with `laneswap keys create --name cli --scopes admin --local` " +
  "on the server's machine (or `laneswap keys create` with an admin key)";

export function serverDownHint(apiUrl: string): string {
  return `is the server running? Start it with \`laneswap server\`, or point --api-url (API_URL) at it (now ${apiUrl})`;
}

type ErrorBody = { detail?: unknown; error?: { code?: string; message?: string; fields?: Record<string, string> } };

/** The CliError for an HTTP error answer of the API. */
export function apiError(
  status: number,
  body: unknown,
  context: { apiUrl: string; hasKey: boolean; retryAfter?: string | null },
): CliError {
  const b = (body && typeof body === "object" ? body : {}) as ErrorBody;
  const code = b.error?.code ?? `http_${status}`;
  let message = b.error?.message ?? (typeof b.detail === "string" ? b.detail : `the server answered HTTP ${status}`);
  if (b.error?.fields && Object.keys(b.error.fields).length) {
    message += ` (${Object.entries(b.error.fields).map(([k, v]) => `${k}: ${v}`).join("; ")})`;
  }
  switch (status) {
    case 401:
      return new CliError(
        context.hasKey ? `the server refused the API key (${message})` : "no API key: this needs one",
        KEY_HINT,
        1,
        code,
      );
    case 403:
      return new CliError(
        message,
        "the key works but lacks the scope: register and heartbeat need write, keys and channels need admin; " +
          "create a key with the scope via `laneswap keys create --name <name> --scopes admin`",
        1,
        code,
      );
    case 404:
      if (/^Service not found/i.test(message)) {
        return new CliError(message, "check the id with `laneswap list`, or register the service first: `laneswap register --name <name> --id <id>`", 1, code);
      }
      if (/^No such API route/i.test(message) || !b.error) {
        return new CliError(message, `is ${context.apiUrl} a LaneSwap server of this version? Check --api-url (API_URL)`, 1, code);
      }
      return new CliError(message, undefined, 1, code);
    case 429:
      return new CliError(message, `wait ${context.retryAfter ? `${context.retryAfter} s` : "a minute"} and try again`, 1, code);
    default:
      if (status >= 500) return new CliError(message, "the server failed; its log (laneswap server's output) says why", 1, code);
      return new CliError(message, undefined, 1, code);
  }
}

/** The CliError for a request that got no answer at all. */
export function networkError(error: unknown, apiUrl: string, timeoutMs: number): CliError {
  const err = error as { name?: string; message?: string; cause?: { code?: string; message?: string } };
  if (err?.name === "TimeoutError" || err?.name === "AbortError") {
    return new CliError(`LaneSwap at ${apiUrl} did not answer within ${Math.round(timeoutMs / 1000)} s`, serverDownHint(apiUrl), 1, "timeout");
  }
  const cause = err?.cause?.code ?? "";
  const what =
    cause === "ECONNREFUSED"
      ? "connection refused"
      : cause === "ENOTFOUND" || cause === "EAI_AGAIN"
        ? "host not found"
        : cause === "ECONNRESET"
          ? "connection reset"
          : (err?.cause?.message ?? err?.message ?? String(error));
  return new CliError(`cannot reach LaneSwap at ${apiUrl} (${what})`, serverDownHint(apiUrl), 1, "unreachable");
}

export type RequestOptions = { body?: unknown; auth?: boolean; query?: Record<string, string | number | undefined> };

export class ApiClient {
  constructor(
    readonly apiUrl: string,
    readonly apiKey: string | undefined,
    readonly timeoutMs = 15_000,
  ) {}

  url(pathname: string, query: RequestOptions["query"] = {}): string {
    const params = new URLSearchParams();
    for (const [k, v] of Object.entries(query)) if (v !== undefined && v !== "") params.set(k, String(v));
    const qs = params.toString();
    return `${this.apiUrl}${pathname}${qs ? `?${qs}` : ""}`;
  }

  /** A raw request: the Response, or a CliError when the server could not be reached. */
  async fetch(pathname: string, init: Omit<RequestInit, "body"> & RequestOptions = {}): Promise<Response> {
    const { body, auth = true, query, ...rest } = init;
    const headers = new Headers(rest.headers);
    if (auth && this.apiKey) headers.set("authorization", `Bearer ${this.apiKey}`);
    if (body !== undefined) headers.set("content-type", "application/json");
    headers.set("accept", "application/json");
    try {
      return await fetch(this.url(pathname, query), {
        ...rest,
        headers,
        body: body !== undefined ? JSON.stringify(body) : undefined,
        signal: rest.signal ?? AbortSignal.timeout(this.timeoutMs),
      });
    } catch (error) {
      throw networkError(error, this.apiUrl, this.timeoutMs);
    }
  }

  /** A JSON request; a non-2xx answer becomes a CliError with a hint. 204 gives null. */
  async request<T>(method: string, pathname: string, options: RequestOptions = {}): Promise<T> {
    const res = await this.fetch(pathname, { method, ...options });
    const text = await res.text().catch(() => "");
    let parsed: unknown = null;
    if (text) {
      try {
        parsed = JSON.parse(text);
      } catch {
        if (res.ok) {
          throw new CliError(`${this.apiUrl}${pathname} did not answer JSON`, `is ${this.apiUrl} a LaneSwap server? Check --api-url (API_URL)`, 1, "bad_answer");
        }
      }
    }
    if (!res.ok) throw apiError(res.status, parsed, { apiUrl: this.apiUrl, hasKey: Boolean(this.apiKey), retryAfter: res.headers.get("retry-after") });
    return parsed as T;
  }

  get<T>(pathname: string, query?: RequestOptions["query"]): Promise<T> {
    return this.request<T>("GET", pathname, { query });
  }
  post<T>(pathname: string, body?: unknown): Promise<T> {
    return this.request<T>("POST", pathname, { body });
  }
  delete(pathname: string): Promise<null> {
    return this.request<null>("DELETE", pathname);
  }
}
