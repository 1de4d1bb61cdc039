import { describe, expect, it } from "vitest";
import type { z } from "zod";
import {
  API_SCOPES,
  EVENT_ID_PATTERN,
  MAX_THRESHOLD_SECONDS,
  SERVICE_ID_PATTERN,
  createKeySchema,
  eventsQuerySchema,
  heartbeatSchema,
  listServicesQuerySchema,
  metadataSchema,
  patchServiceSchema,
  registerServiceSchema,
  serviceIdSchema,
} from "../../lib/core/schemas";
import { metadataBytes } from "../../lib/core/metadata";
import { CLIENT_STATUSES } from "../../lib/core/status";

/** Metadata whose JSON is exactly `bytes` bytes: {"a":"xxx…"} is 8 bytes plus the string. */
function metadataOfBytes(bytes: number): Record<string, unknown> {
  const m = { a: "x".repeat(bytes - 8) };
  expect(metadataBytes(m)).toBe(bytes);
  return m;
}

function issues(schema: z.ZodType, input: unknown) {
  const r = schema.safeParse(input);
  expect(r.success, `expected ${JSON.stringify(input)} to be rejected`).toBe(false);
  return r.error!.issues;
}

function issuePaths(schema: z.ZodType, input: unknown): string[] {
  return issues(schema, input).map((i) => i.path.join("."));
}

describe("serviceIdSchema / SERVICE_ID_PATTERN", () => {
  it.each([
    "a",
    "A",
    "0",
    "svc-1",
    "my.service",
    "my_service",
    "ns:svc",
    "A-Za-z0-9._:-",
    "550e8400-e29b-41d4-a716-446655440000",
    "x".repeat(128),
  ])("accepts %j", (id) => {
    expect(serviceIdSchema.safeParse(id).success).toBe(true);
    expect(SERVICE_ID_PATTERN.test(id)).toBe(true);
  });

  it.each([
    "",
    "x".repeat(129),
    "has space",
    " leading",
    "trailing ",
    "a/b",
    "a\\b",
    "a?b",
    "a#b",
    "a%20b",
    "é",
    "tab\t",
    "line\n",
    "a@b",
  ])("rejects %j", (id) => {
    expect(serviceIdSchema.safeParse(id).success).toBe(false);
  });

  it("rejects non-strings", () => {
    expect(serviceIdSchema.safeParse(123).success).toBe(false);
    expect(serviceIdSchema.safeParse(null).success).toBe(false);
  });
});

describe("metadataSchema", () => {
  it("accepts plain objects, including nested values", () => {
    expect(metadataSchema.safeParse({}).success).toBe(true);
    expect(metadataSchema.safeParse({ a: 1, b: { c: [1, 2] }, d: null }).success).toBe(true);
  });

  it.each([[[]], [[1, 2]], ["string"], [42], [null], [true]])("rejects non-object %j", (value) => {
    expect(metadataSchema.safeParse(value).success).toBe(false);
  });

  it("rejects values that are not JSON", () => {
    for (const value of [() => 1, new Date(0), Number.NaN, Number.POSITIVE_INFINITY, Symbol("s"), 10n]) {
      expect(metadataSchema.safeParse({ a: value }).success, String(value)).toBe(false);
    }
    expect(metadataSchema.safeParse({ a: { b: [1, null, "x", true, { c: 1.5 }] } }).success).toBe(true);
  });

  it("accepts exactly 16384 bytes and rejects 16385", () => {
    expect(metadataSchema.safeParse(metadataOfBytes(16384)).success).toBe(true);
    const r = metadataSchema.safeParse(metadataOfBytes(16385));
    expect(r.success).toBe(false);
    expect(r.error!.issues[0].message).toMatch(/16384 bytes/);
  });

  it("measures bytes, not characters (multi-byte content)", () => {
    // 5462 '€' = 16386 bytes but only 5462 characters.
    const m = { a: "€".repeat(5462) };
    expect(JSON.stringify(m).length).toBeLessThan(16384);
    expect(metadataSchema.safeParse(m).success).toBe(false);
  });
});

describe("registerServiceSchema", () => {
  it("accepts a minimal body", () => {
    expect(registerServiceSchema.parse({ service_name: "web" })).toEqual({ service_name: "web" });
  });

  it("accepts a full body", () => {
    const body = { service_name: "web", service_id: "web-1", metadata: { v: 1 }, stale_threshold: 120 };
    expect(registerServiceSchema.parse(body)).toEqual(body);
  });

  it("trims the name", () => {
    expect(registerServiceSchema.parse({ service_name: "  web  " }).service_name).toBe("web");
    expect(registerServiceSchema.parse({ service_name: "\tweb server\n" }).service_name).toBe("web server");
  });

  it("rejects empty and whitespace-only names", () => {
    expect(issuePaths(registerServiceSchema, { service_name: "" })).toEqual(["service_name"]);
    expect(issuePaths(registerServiceSchema, { service_name: "   " })).toEqual(["service_name"]);
  });

  it("rejects a missing or non-string name", () => {
    expect(issuePaths(registerServiceSchema, {})).toEqual(["service_name"]);
    expect(issuePaths(registerServiceSchema, { service_name: 5 })).toEqual(["service_name"]);
    expect(issuePaths(registerServiceSchema, { service_name: null })).toEqual(["service_name"]);
  });

  it("accepts 200 characters and rejects 201", () => {
    expect(registerServiceSchema.safeParse({ service_name: "n".repeat(200) }).success).toBe(true);
    expect(issuePaths(registerServiceSchema, { service_name: "n".repeat(201) })).toEqual(["service_name"]);
  });

  it("measures the name length after trimming", () => {
    expect(registerServiceSchema.safeParse({ service_name: `  ${"n".repeat(200)}  ` }).success).toBe(true);
  });

  it("validates service_id: 128 chars ok, 129 rejected, space and slash rejected", () => {
    expect(registerServiceSchema.safeParse({ service_name: "s", service_id: "i".repeat(128) }).success).toBe(true);
    expect(registerServiceSchema.safeParse({ service_name: "s", service_id: "a.b_c:d-E9" }).success).toBe(true);
    for (const id of ["i".repeat(129), "a b", "a/b", ""]) {
      expect(issuePaths(registerServiceSchema, { service_name: "s", service_id: id }), id).toEqual(["service_id"]);
    }
  });

  it("requires metadata to be an object", () => {
    for (const metadata of [[], ["a"], "str", 1, null]) {
      expect(issuePaths(registerServiceSchema, { service_name: "s", metadata }), JSON.stringify(metadata)).toEqual([
        "metadata",
      ]);
    }
  });

  it("accepts metadata of exactly 16384 bytes and rejects 16385", () => {
    expect(registerServiceSchema.safeParse({ service_name: "s", metadata: metadataOfBytes(16384) }).success).toBe(true);
    expect(issuePaths(registerServiceSchema, { service_name: "s", metadata: metadataOfBytes(16385) })).toEqual([
      "metadata",
    ]);
  });

  it("rejects unknown keys", () => {
    const found = issues(registerServiceSchema, { service_name: "s", extra: 1 });
    expect(found).toHaveLength(1);
    expect(found[0].code).toBe("unrecognized_keys");
    expect(JSON.stringify(found[0])).toContain("extra");
  });

  it("validates stale_threshold", () => {
    expect(registerServiceSchema.safeParse({ service_name: "s", stale_threshold: 1 }).success).toBe(true);
    expect(
      registerServiceSchema.safeParse({ service_name: "s", stale_threshold: MAX_THRESHOLD_SECONDS }).success,
    ).toBe(true);
    for (const t of [0, -1, 1.5, MAX_THRESHOLD_SECONDS + 1, "60"]) {
      expect(issuePaths(registerServiceSchema, { service_name: "s", stale_threshold: t }), String(t)).toEqual([
        "stale_threshold",
      ]);
    }
  });

  it("rejects non-object bodies", () => {
    for (const body of [null, [], "x", 1]) expect(registerServiceSchema.safeParse(body).success).toBe(false);
  });
});

describe("heartbeatSchema", () => {
  it("defaults status to healthy on {}", () => {
    expect(heartbeatSchema.parse({})).toEqual({ status: "healthy" });
  });

  it.each([...CLIENT_STATUSES])("accepts %s", (status) => {
    expect(heartbeatSchema.parse({ status }).status).toBe(status);
  });

  it.each(["stale", "unknown"])("rejects %s with a message saying LaneSwap sets it", (status) => {
    const found = issues(heartbeatSchema, { status });
    expect(found).toHaveLength(1);
    expect(found[0].path).toEqual(["status"]);
    expect(found[0].message).toContain("set by LaneSwap");
    expect(found[0].message).toContain(status);
  });

  it("rejects an unknown status and lists the allowed ones", () => {
    const found = issues(heartbeatSchema, { status: "bogus" });
    expect(found[0].path).toEqual(["status"]);
    expect(found[0].message).not.toContain("set by LaneSwap");
    for (const s of CLIENT_STATUSES) expect(found[0].message).toContain(s);
  });

  it("is case-sensitive about statuses", () => {
    expect(heartbeatSchema.safeParse({ status: "HEALTHY" }).success).toBe(false);
    expect(heartbeatSchema.safeParse({ status: "Error" }).success).toBe(false);
  });

  it("rejects a non-string status", () => {
    expect(heartbeatSchema.safeParse({ status: 1 }).success).toBe(false);
    expect(heartbeatSchema.safeParse({ status: null }).success).toBe(false);
  });

  it("allows message to be a string, null or absent", () => {
    expect(heartbeatSchema.parse({ message: "ok" })).toEqual({ status: "healthy", message: "ok" });
    expect(heartbeatSchema.parse({ message: null })).toEqual({ status: "healthy", message: null });
    expect(heartbeatSchema.parse({ status: "error", message: "" }).message).toBe("");
  });

  it("limits message to 2000 characters", () => {
    expect(heartbeatSchema.safeParse({ message: "m".repeat(2000) }).success).toBe(true);
    expect(issuePaths(heartbeatSchema, { message: "m".repeat(2001) })).toEqual(["message"]);
  });

  it("rejects a non-string message", () => {
    expect(issuePaths(heartbeatSchema, { message: 5 })).toEqual(["message"]);
  });

  it("validates metadata", () => {
    expect(heartbeatSchema.parse({ metadata: { cpu: 0.5 } }).metadata).toEqual({ cpu: 0.5 });
    expect(issuePaths(heartbeatSchema, { metadata: [1] })).toEqual(["metadata"]);
    expect(issuePaths(heartbeatSchema, { metadata: metadataOfBytes(16385) })).toEqual(["metadata"]);
  });

  it("rejects unknown keys", () => {
    expect(issues(heartbeatSchema, { status: "healthy", service_id: "x" })[0].code).toBe("unrecognized_keys");
  });
});

describe("patchServiceSchema", () => {
  it("rejects an empty patch", () => {
    expect(patchServiceSchema.safeParse({}).success).toBe(false);
  });

  it("accepts each field on its own", () => {
    expect(patchServiceSchema.parse({ name: " new " })).toEqual({ name: "new" });
    expect(patchServiceSchema.parse({ metadata: { a: 1 } })).toEqual({ metadata: { a: 1 } });
    expect(patchServiceSchema.parse({ stale_threshold: 300 })).toEqual({ stale_threshold: 300 });
    expect(patchServiceSchema.parse({ paused: true })).toEqual({ paused: true });
    expect(patchServiceSchema.parse({ paused: false })).toEqual({ paused: false });
  });

  it("allows stale_threshold null (back to the global default)", () => {
    expect(patchServiceSchema.parse({ stale_threshold: null })).toEqual({ stale_threshold: null });
  });

  it("rejects a non-integer or out-of-range stale_threshold", () => {
    for (const t of [1.5, 0, -5, MAX_THRESHOLD_SECONDS + 1, "60"]) {
      expect(issuePaths(patchServiceSchema, { stale_threshold: t }), String(t)).toEqual(["stale_threshold"]);
    }
  });

  it("rejects an empty name and a non-boolean paused", () => {
    expect(issuePaths(patchServiceSchema, { name: "  " })).toEqual(["name"]);
    expect(issuePaths(patchServiceSchema, { paused: "true" })).toEqual(["paused"]);
  });

  it("rejects unknown keys, including status", () => {
    expect(patchServiceSchema.safeParse({ status: "healthy" }).success).toBe(false);
    expect(patchServiceSchema.safeParse({ name: "x", id: "y" }).success).toBe(false);
  });
});

describe("listServicesQuerySchema", () => {
  it("accepts an empty query", () => {
    expect(listServicesQuerySchema.parse({})).toEqual({});
  });

  it("coerces limit strings to numbers", () => {
    expect(listServicesQuerySchema.parse({ limit: "50" })).toEqual({ limit: 50 });
    expect(listServicesQuerySchema.parse({ limit: "1" }).limit).toBe(1);
    expect(listServicesQuerySchema.parse({ limit: "1000" }).limit).toBe(1000);
  });

  it.each(["0", "1001", "-1", "1.5", "abc"])("rejects limit %j", (limit) => {
    expect(issuePaths(listServicesQuerySchema, { limit })).toEqual(["limit"]);
  });

  it("rejects numeric 0 and 1001 too", () => {
    expect(listServicesQuerySchema.safeParse({ limit: 0 }).success).toBe(false);
    expect(listServicesQuerySchema.safeParse({ limit: 1001 }).success).toBe(false);
  });

  it("accepts any of the seven statuses as a filter", () => {
    for (const status of ["healthy", "warning", "degraded", "error", "busy", "stale", "unknown"]) {
      expect(listServicesQuerySchema.parse({ status })).toEqual({ status });
    }
    expect(issuePaths(listServicesQuerySchema, { status: "bogus" })).toEqual(["status"]);
  });

  it("validates q and cursor", () => {
    expect(listServicesQuerySchema.parse({ q: "web", cursor: "svc-1" })).toEqual({ q: "web", cursor: "svc-1" });
    expect(issuePaths(listServicesQuerySchema, { q: "q".repeat(201) })).toEqual(["q"]);
    expect(issuePaths(listServicesQuerySchema, { cursor: "a/b" })).toEqual(["cursor"]);
  });

  it("rejects unknown query parameters", () => {
    expect(listServicesQuerySchema.safeParse({ page: "2" }).success).toBe(false);
  });
});

describe("eventsQuerySchema", () => {
  it("defaults limit to 100", () => {
    expect(eventsQuerySchema.parse({})).toEqual({ limit: 100 });
  });

  it("coerces limit and enforces 1..1000", () => {
    expect(eventsQuerySchema.parse({ limit: "5" }).limit).toBe(5);
    expect(eventsQuerySchema.parse({ limit: "1000" }).limit).toBe(1000);
    expect(eventsQuerySchema.safeParse({ limit: "0" }).success).toBe(false);
    expect(eventsQuerySchema.safeParse({ limit: "1001" }).success).toBe(false);
  });

  it("accepts a next_cursor event id (lowercase UUID) as before", () => {
    const id = "550e8400-e29b-41d4-a716-446655440000";
    expect(EVENT_ID_PATTERN.test(id)).toBe(true);
    expect(eventsQuerySchema.parse({ before: id })).toEqual({ limit: 100, before: id });
  });

  it.each(["2024-01-01T00:00:00Z", "2024-01-01T00:00:00.000Z", "2024-06-30T12:34:56+02:00", "2024-01-01"])(
    "accepts an ISO 8601 time %j as before",
    (before) => {
      expect(eventsQuerySchema.parse({ before }).before).toBe(before);
    },
  );

  it.each([
    "",
    "abc",
    "12a",
    "not a date",
    "2024-13-01T00:00:00Z",
    "1",
    "-1",
    "12345",
    "2024-01-01 10:00",
    "550e8400-e29b-41d4-a716-44665544000", // one hex digit short
  ])("rejects before %j", (before) => {
    const found = issues(eventsQuerySchema, { before });
    expect(found[0].path).toEqual(["before"]);
    expect(found[0].message).toMatch(/next_cursor/);
  });

  it("rejects a non-string before", () => {
    expect(eventsQuerySchema.safeParse({ before: 123 }).success).toBe(false);
  });

  it("rejects unknown keys", () => {
    expect(eventsQuerySchema.safeParse({ after: "1" }).success).toBe(false);
  });
});

describe("createKeySchema", () => {
  it("exposes the three scopes", () => {
    expect([...API_SCOPES]).toEqual(["read", "write", "admin"]);
  });

  it("accepts a name and scopes, trimming the name", () => {
    expect(createKeySchema.parse({ name: " ci ", scopes: ["read", "write"] })).toEqual({
      name: "ci",
      scopes: ["read", "write"],
    });
  });

  it("dedupes scopes, keeping first-seen order", () => {
    expect(createKeySchema.parse({ name: "k", scopes: ["write", "read", "write", "read", "admin"] }).scopes).toEqual([
      "write",
      "read",
      "admin",
    ]);
  });

  it("rejects an unknown scope", () => {
    expect(issuePaths(createKeySchema, { name: "k", scopes: ["read", "root"] })).toEqual(["scopes.1"]);
  });

  it("rejects an empty scopes array", () => {
    const found = issues(createKeySchema, { name: "k", scopes: [] });
    expect(found[0].path).toEqual(["scopes"]);
    expect(found[0].message).toBe("give at least one scope");
  });

  it("rejects missing or non-array scopes", () => {
    expect(createKeySchema.safeParse({ name: "k" }).success).toBe(false);
    expect(createKeySchema.safeParse({ name: "k", scopes: "read" }).success).toBe(false);
  });

  it("validates the name", () => {
    expect(createKeySchema.safeParse({ name: "  ", scopes: ["read"] }).success).toBe(false);
    expect(createKeySchema.safeParse({ name: "n".repeat(100), scopes: ["read"] }).success).toBe(true);
    expect(createKeySchema.safeParse({ name: "n".repeat(101), scopes: ["read"] }).success).toBe(false);
  });

  it("rejects unknown keys", () => {
    expect(createKeySchema.safeParse({ name: "k", scopes: ["read"], key: "x" }).success).toBe(false);
  });
});
