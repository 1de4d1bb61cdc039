import { describe, expect, it } from "vitest";
import { compareForSort, matchesSearch, searchNeedle, searchText, type Searchable } from "../../lib/core/overview";

const svc = (over: Partial<Searchable>): Searchable => ({
  id: "a",
  name: "A",
  status: "healthy",
  message: null,
  metadata: {},
  lastHeartbeat: null,
  ...over,
});

describe("search", () => {
  it("looks for the query trimmed and lower-cased, the form searchText is in", () => {
    expect(searchNeedle("  Billing API ")).toBe("billing api");
    expect(searchNeedle("   ")).toBe("");
    expect(searchText(svc({ id: "X-1", name: "Billing API" })).includes(searchNeedle(" billing "))).toBe(true);
  });
  const text = searchText(svc({ id: "billing-api", name: "Billing API", message: "disk 91%", metadata: { region: "eu-west", nested: { host: "db_7" }, list: [42], token: null } }));
  it("matches id, name and message, ignoring case", () => {
    expect(matchesSearch(text, "BILLING")).toBe(true);
    expect(matchesSearch(text, "91%")).toBe(true);
  });
  it("matches metadata values, nested ones and numbers, but not keys", () => {
    expect(matchesSearch(text, "eu-west")).toBe(true);
    expect(matchesSearch(text, "db_7")).toBe(true);
    expect(matchesSearch(text, "42")).toBe(true);
    expect(matchesSearch(text, "region")).toBe(false);
  });
  it("is literal: % and _ are not wildcards", () => {
    expect(matchesSearch(text, "db%7")).toBe(false);
    expect(matchesSearch(text, "d_sk")).toBe(false);
  });
  it("an empty or blank query matches everything", () => {
    expect(matchesSearch(text, "  ")).toBe(true);
  });
  it("matches Thai text", () => {
    expect(matchesSearch(searchText(svc({ name: "ระบบชำระเงิน" })), "ชำระ")).toBe(true);
  });
});

describe("sorting", () => {
  const list = [
    svc({ id: "1", name: "beta", status: "healthy", lastHeartbeat: new Date(3000) }),
    svc({ id: "2", name: "alpha", status: "error", lastHeartbeat: new Date(1000) }),
    svc({ id: "3", name: "gamma", status: "stale", lastHeartbeat: null }),
    svc({ id: "4", name: "delta", status: "error", lastHeartbeat: new Date(2000) }),
  ];
  const ids = (sort: Parameters<typeof compareForSort>[0]) => [...list].sort(compareForSort(sort)).map((s) => s.id);
  it("severity: worst first (error > stale > … > healthy), then by name", () => expect(ids("severity")).toEqual(["2", "4", "3", "1"]));
  it("name: A to Z", () => expect(ids("name")).toEqual(["2", "1", "4", "3"]));
  it("last heartbeat: most recent first, never-beaten last", () => expect(ids("last_heartbeat")).toEqual(["1", "4", "2", "3"]));
});
