// The dashboard talks to the same REST API as everyone else, with its session cookie.

export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly fields?: Record<string, string>,
  ) {
    super(message);
  }
}

/** A request to the API; throws ApiError with the server's message, or status 0 when the server is unreachable. */
export async function fetchJson<T>(url: string, init: RequestInit & { json?: unknown } = {}): Promise<T> {
  const { json, ...rest } = init;
  let response: Response;
  try {
    response = await fetch(url, {
      ...rest,
      headers: { ...(json !== undefined ? { "content-type": "application/json" } : {}), ...rest.headers },
      body: json !== undefined ? JSON.stringify(json) : rest.body,
      cache: "no-store",
    });
  } catch (error) {
    throw new ApiError(0, (error as Error).message);
  }
  if (response.status === 204) return undefined as T;
  const body = await response.json().catch(() => null);
  if (!response.ok) {
    const err = body?.error;
    throw new ApiError(response.status, err?.message ?? response.statusText, err?.fields);
  }
  return body as T;
}

export const swrFetcher = <T,>(url: string) => fetchJson<T>(url);
