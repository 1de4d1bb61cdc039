import { describe, expect, it } from "vitest";
import { ApiError } from "../../components/api/fetch-json";
import { MAX_RETRY_MS, retryDelay } from "../../components/api/error-retry";

describe("retrying a failed dashboard request", () => {
  it("backs off from 1 s, doubling, never beyond the cap", () => {
    const unreachable = new ApiError(0, "Failed to fetch");
    expect([1, 2, 3, 4, 5, 6, 50].map((n) => retryDelay(unreachable, n))).toEqual([1_000, 2_000, 4_000, 8_000, MAX_RETRY_MS, MAX_RETRY_MS, MAX_RETRY_MS]);
  });
  it("retries server errors, timeouts and rate limits", () => {
    for (const status of [500, 502, 503, 408, 429]) expect(retryDelay(new ApiError(status, "x"), 1)).toBe(1_000);
    expect(retryDelay(new Error("anything else"), 1)).toBe(1_000);
  });
  it("does not retry what retrying cannot change", () => {
    for (const status of [400, 401, 403, 404, 422]) expect(retryDelay(new ApiError(status, "x"), 1)).toBeNull();
  });
});
