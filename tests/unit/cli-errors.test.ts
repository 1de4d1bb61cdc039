import { describe, expect, it } from "vitest";
import { channelState, type ChannelInfo } from "../../scripts/cli/channels";
import { resolveApiUrl } from "../../scripts/cli/context";
import { CliError, describeIssues, UsageError } from "../../scripts/cli/errors";
import { makeColors, stripAnsi } from "../../scripts/cli/format";
import { apiError, networkError } from "../../scripts/cli/http";
import { monitorUrl, sortServices, summaryText } from "../../scripts/cli/service-list";
import { checkLines } from "../../scripts/cli/system-check";

const ctx = { apiUrl: "http://localhost:8000", hasKey: true };
const body = (code: string, message: string) => ({ detail: message, error: { code, message } });

describe("API errors say what to do", () => {
  it("401 with a key: refused, with how to set and create one", () => {
    const e = apiError(401, body("unauthorized", "Invalid API key"), ctx);
    expect(e.exitCode).toBe(1);
    expect(e.message).toContain("refused the API key");
    expect(e.hint).toContain("set LANESWAP_API_KEY or pass --api-key");
    expect(e.hint).toContain("laneswap keys create");
  });

  it("401 without a key says that no key was given", () => {
    expect(apiError(401, body("unauthorized", "x"), { ...ctx, hasKey: false }).message).toMatch(/no API key/);
  });

  it("403 names the scopes", () => {
    expect(apiError(403, body("forbidden", "needs admin"), ctx).hint).toMatch(/scope/);
  });

  it("404 for a service keeps the server's message and says to register first", () => {
    const e = apiError(404, body("not_found", "Service not found: abc"), ctx);
    expect(e.message).toBe("Service not found: abc");
    expect(e.hint).toContain("laneswap register");
    expect(e.code).toBe("not_found");
  });

  it("404 from something that is not a LaneSwap route asks whether the URL is right", () => {
    expect(apiError(404, null, ctx).hint).toContain("--api-url");
  });

  it("422 lists the fields; 429 says when to retry; 5xx points at the log", () => {
    expect(apiError(422, { detail: "bad", error: { code: "validation_failed", message: "bad", fields: { status: "unknown" } } }, ctx).message).toBe("bad (status: unknown)");
    expect(apiError(429, body("rate_limited", "slow down"), { ...ctx, retryAfter: "30" }).hint).toContain("30 s");
    expect(apiError(500, body("internal_error", "oops"), ctx).hint).toContain("log");
  });

  it("a refused connection asks whether the server is running", () => {
    const error = Object.assign(new TypeError("fetch failed"), { cause: { code: "ECONNREFUSED" } });
    const e = networkError(error, "http://localhost:8000", 15_000);
    expect(e.message).toBe("cannot reach LaneSwap at http://localhost:8000 (connection refused)");
    expect(e.hint).toContain("is the server running?");
    expect(e.hint).toContain("laneswap server");
  });

  it("a timeout says how long it waited", () => {
    const error = Object.assign(new Error("timed out"), { name: "TimeoutError" });
    expect(networkError(error, "http://x", 15_000).message).toContain("within 15 s");
  });
});

describe("usage", () => {
  it("UsageError exits with 2, CliError with 1", () => {
    expect(new UsageError("bad").exitCode).toBe(2);
    expect(new CliError("failed").exitCode).toBe(1);
  });

  it("describeIssues names fields by their options", () => {
    expect(describeIssues([{ path: ["service_name"], message: "must not be empty" }, { path: [], message: "whole" }], { service_name: "--name" })).toBe(
      "--name: must not be empty; whole",
    );
  });

  it("the API URL comes from --api-url, then API_URL, then LANESWAP_API_URL, then the default; trailing slashes go", () => {
    expect(resolveApiUrl("http://a:1/", { API_URL: "http://b:2" })).toBe("http://a:1");
    expect(resolveApiUrl(undefined, { API_URL: "http://b:2" })).toBe("http://b:2");
    expect(resolveApiUrl(undefined, { LANESWAP_API_URL: "http://c:3" })).toBe("http://c:3");
    expect(resolveApiUrl(undefined, {})).toBe("http://localhost:8000");
    expect(() => resolveApiUrl("localhost:8000", {})).toThrow(UsageError);
    expect(() => resolveApiUrl(undefined, { API_URL: "ftp://x" })).toThrow(/API_URL/);
  });
});

describe("services", () => {
  const svc = (id: string, status: string, name = id) => ({ id, name, status }) as { id: string; name: string; status: "healthy" };

  it("sorts by severity (error > stale > warning > degraded > busy > unknown > healthy), then by name with numbers in order", () => {
    const sorted = sortServices([
      svc("h", "healthy"),
      svc("u", "unknown"),
      svc("b", "busy"),
      svc("d", "degraded"),
      svc("w", "warning"),
      svc("s", "stale"),
      svc("e", "error"),
      svc("e10", "error", "job 10"),
      svc("e2", "error", "job 2"),
    ]);
    expect(sorted.map((s) => s.id)).toEqual(["e", "e2", "e10", "s", "w", "d", "b", "u", "h"]);
  });

  it("the summary lists non-zero counts worst first", () => {
    const counts = { healthy: 9, warning: 0, degraded: 0, error: 1, busy: 0, stale: 2, unknown: 0 };
    expect(summaryText({ total: 12, status_counts: counts }, makeColors(false))).toBe("12 services: 1 error, 2 stale, 9 healthy");
    expect(summaryText({ total: 0, status_counts: { ...counts, healthy: 0, error: 0, stale: 0 } }, makeColors(false))).toBe("0 services");
  });

  it("monitor URLs encode the id", () => {
    expect(monitorUrl("http://localhost:8000/")).toBe("http://localhost:8000/");
    expect(monitorUrl("http://localhost:8000", "ns:job/1 a")).toBe("http://localhost:8000/?service=ns%3Ajob%2F1%20a");
  });
});

describe("system-check report", () => {
  it("prints PASS/FAIL/SKIP lines, a hint under each failure, and a verdict", () => {
    const lines = checkLines(
      [
        { name: "api", status: "pass", detail: "answers" },
        { name: "worker", status: "fail", detail: "none", hint: "start one: laneswap worker" },
        { name: "channels", status: "skip", detail: "none configured" },
      ],
      makeColors(false),
    );
    expect(lines[0]).toBe("PASS  api       answers");
    expect(lines[1]).toBe("FAIL  worker    none");
    expect(lines[2].trim()).toBe("→ start one: laneswap worker");
    expect(lines[3]).toBe("SKIP  channels  none configured");
    expect(lines.at(-1)).toBe("1 of 3 checks failed");
  });

  it("says all passed when nothing failed", () => {
    expect(stripAnsi(checkLines([{ name: "api", status: "pass", detail: "ok" }], makeColors(true)).at(-1)!)).toBe("all checks passed");
  });
});

describe("channel state", () => {
  const base: ChannelInfo = { id: "1", name: "ops", type: "discord", config: {}, levels: [], service_ids: null, enabled: true, managed: false, broken: null, rate_limited_until: null };
  it("is ok, disabled, broken with why, or rate-limited", () => {
    expect(channelState(base)).toBe("ok");
    expect(channelState({ ...base, enabled: false })).toBe("disabled");
    expect(channelState({ ...base, broken: { at: "x", reason: "HTTP 404" } })).toBe("broken: HTTP 404");
    expect(channelState({ ...base, rate_limited_until: "2999-01-01T00:00:00Z" })).toMatch(/^rate-limited until/);
  });
});
