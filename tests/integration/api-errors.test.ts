import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDatabase, PROVIDERS, startServer, uniqueId, type Provider, type TestServer, serverFleet } from "./harness";

// SPEC section 2, errors: the JSON error shape, each status for its reason, the order the checks apply in, bad input
// never changing stored data, the failed-authentication and per-key rate limits, and CORS.

type ErrorBody = { detail: string; error: { code: string; message: string; fields?: Record<string, string> } };

// Every server this file needs, per provider, started together (and stopped together) to keep the file fast.
const SETUPS = {
  main: {},
  authFailures: { AUTH_FAILURES_PER_MINUTE: "3" },
  perKey: { RATE_LIMIT_PER_KEY: "5" },
  cors: { CORS_ORIGINS: "https://a.example" },
} satisfies Record<string, Record<string, string>>;
type Setup = keyof typeof SETUPS;

const server = serverFleet(SETUPS);

/** Asserts the status and the error shape `{detail, error:{code, message, fields?}}` with detail === message. */
async function expectError(res: Response, status: number): Promise<ErrorBody> {
  const text = await res.text();
  expect(res.status, text).toBe(status);
  expect(res.headers.get("content-type")).toMatch(/^application\/json/);
  const body = JSON.parse(text) as ErrorBody;
  expect(typeof body.detail).toBe("string");
  expect(body.detail.length).toBeGreaterThan(0);
  expect(body.error).toBeTypeOf("object");
  expect(body.error.code).toMatch(/^[a-z][a-z0-9_]*$/);
  expect(body.error.message).toBe(body.detail);
  const allowed = ["code", "message", "fields"];
  expect(Object.keys(body.error).every((k) => allowed.includes(k))).toBe(true);
  if (status === 422) {
    expect(body.error.fields).toBeTypeOf("object");
    expect(Object.keys(body.error.fields!).length).toBeGreaterThan(0);
  }
  return body;
}

async function register(s: TestServer, body: Record<string, unknown>): Promise<string> {
  const res = await s.api("/api/services", { method: "POST", json: body });
  expect(res.status, await res.clone().text()).toBe(200);
  return ((await res.json()) as { service_id: string }).service_id;
}

async function beat(s: TestServer, id: string, body: Record<string, unknown> = {}) {
  const res = await s.api(`/api/services/${id}/heartbeat`, { method: "POST", json: body });
  expect(res.status, await res.clone().text()).toBe(200);
  return res.json();
}

async function createKey(s: TestServer, scopes: string[]): Promise<string> {
  const res = await s.api("/api/keys", { method: "POST", json: { name: `key ${scopes.join("+")}`, scopes } });
  expect(res.status, await res.clone().text()).toBe(201);
  return ((await res.json()) as { key: string }).key;
}

/** A request with a raw body and content type. */
function send(s: TestServer, path: string, init: { method: string; body?: string; type?: string; key?: string | null }) {
  const headers: Record<string, string> = {};
  if (init.type) headers["content-type"] = init.type;
  return s.api(path, { method: init.method, body: init.body, headers, key: init.key });
}

const KIB = 1024;
const big = (bytes: number) => "x".repeat(bytes);
const oversized = () => JSON.stringify({ status: "healthy", message: "m", metadata: { blob: big(70 * KIB) } });

describe.each(PROVIDERS)("errors on %s", (provider) => {
  const s = () => server("main", provider);
  let readKey: string;
  let writeKey: string;
  beforeAll(async () => {
    readKey = await createKey(s(), ["read"]);
    writeKey = await createKey(s(), ["write"]);
  });

  it("400 for malformed JSON on every route with a body", async () => {
    const id = await register(s(), { service_name: "Malformed", service_id: uniqueId() });
    for (const body of ["{", "{\"status\": }", "not json", "{'single': 'quotes'}", "[1,"]) {
      await expectError(await send(s(), `/api/services/${id}/heartbeat`, { method: "POST", body, type: "application/json" }), 400);
    }
    await expectError(await send(s(), "/api/services", { method: "POST", body: "{\"service_name\":", type: "application/json" }), 400);
    await expectError(await send(s(), `/api/services/${id}`, { method: "PATCH", body: "{name:1}", type: "application/json" }), 400);
    await expectError(await send(s(), "/api/keys", { method: "POST", body: "{", type: "application/json" }), 400);
  });

  it("401 without a credential, on every protected route", async () => {
    const id = await register(s(), { service_name: "Locked", service_id: uniqueId() });
    const routes: [string, string][] = [
      ["GET", "/api/services"],
      ["POST", "/api/services"],
      ["GET", `/api/services/${id}`],
      ["PATCH", `/api/services/${id}`],
      ["DELETE", `/api/services/${id}`],
      ["POST", `/api/services/${id}/heartbeat`],
      ["GET", `/api/services/${id}/events`],
      ["GET", "/api/keys"],
      ["POST", "/api/keys"],
      ["DELETE", "/api/keys/some-id"],
    ];
    for (const [method, path] of routes) {
      const body = method === "GET" || method === "DELETE" ? undefined : "{}";
      await expectError(await send(s(), path, { method, body, type: body ? "application/json" : undefined, key: null }), 401);
    }
    // a header that is neither form is no credential either
    const basic = await s().api("/api/services", { headers: { authorization: "Basic dXNlcjpwYXNz" } });
    await expectError(basic, 401);
    // the service was not touched
    expect((await (await s().api(`/api/services/${id}`)).json()).status).toBe("unknown");
  });

  it("401 for a wrong key, in both header forms", async () => {
    await expectError(await s().api("/api/services", { key: "lsk_this-is-not-a-real-key-000000" }), 401);
    await expectError(await s().api("/api/services", { key: null, headers: { "x-api-key": "lsk_this-is-not-a-real-key-111111" } }), 401);
  });

  it("403 for a read key writing, and a write key doing admin work", async () => {
    const id = await register(s(), { service_name: "Scopes", service_id: uniqueId() });
    await expectError(await s().api(`/api/services/${id}/heartbeat`, { method: "POST", json: {}, key: readKey }), 403);
    await expectError(await s().api("/api/services", { method: "POST", json: { service_name: "x" }, key: readKey }), 403);
    await expectError(await s().api(`/api/services/${id}`, { method: "PATCH", json: { paused: true }, key: readKey }), 403);
    await expectError(await s().api("/api/keys", { method: "POST", json: { name: "n", scopes: ["read"] }, key: writeKey }), 403);
    await expectError(await s().api("/api/keys", { key: writeKey }), 403);
    await expectError(await s().api(`/api/services/${id}`, { method: "DELETE", key: writeKey }), 403);
    await expectError(await s().api(`/api/services/${id}`, { method: "DELETE", key: readKey }), 403);
    expect((await s().api(`/api/services/${id}`)).status).toBe(200);
  });

  it("413 for a body over 64 KiB, with or without a Content-Length", async () => {
    const id = await register(s(), { service_name: "Big", service_id: uniqueId() });
    await expectError(await send(s(), `/api/services/${id}/heartbeat`, { method: "POST", body: oversized(), type: "application/json" }), 413);
    await expectError(
      await send(s(), "/api/services", {
        method: "POST",
        body: JSON.stringify({ service_name: "big", metadata: { blob: big(70 * KIB) } }),
        type: "application/json",
      }),
      413,
    );
    await expectError(
      await send(s(), `/api/services/${id}`, { method: "PATCH", body: JSON.stringify({ name: big(70 * KIB) }), type: "application/json" }),
      413,
    );
    // streamed (chunked) with no Content-Length
    const chunk = new TextEncoder().encode(big(8 * KIB));
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(new TextEncoder().encode('{"message":"'));
        for (let i = 0; i < 9; i++) controller.enqueue(chunk);
        controller.enqueue(new TextEncoder().encode('"}'));
        controller.close();
      },
    });
    const streamed = await s().api(`/api/services/${id}/heartbeat`, {
      method: "POST",
      body: stream,
      headers: { "content-type": "application/json" },
      duplex: "half",
    } as RequestInit);
    // The refused rest of the body is never read: the client is told not to reuse the connection.
    expect(streamed.headers.get("connection")).toBe("close");
    await expectError(streamed, 413);
    // just under the limit is fine as far as size goes (here: too long a message, so 422)
    const underLimit = JSON.stringify({ message: big(60 * KIB) });
    await expectError(await send(s(), `/api/services/${id}/heartbeat`, { method: "POST", body: underLimit, type: "application/json" }), 422);
    expect((await (await s().api(`/api/services/${id}`)).json()).last_heartbeat).toBeNull();
  });

  it("415 for a body that is not sent as JSON", async () => {
    const id = await register(s(), { service_name: "Media", service_id: uniqueId() });
    const json = JSON.stringify({ status: "healthy" });
    for (const type of ["text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", "application/xml"]) {
      await expectError(await send(s(), `/api/services/${id}/heartbeat`, { method: "POST", body: json, type }), 415);
    }
    await expectError(await send(s(), "/api/services", { method: "POST", body: JSON.stringify({ service_name: "m" }), type: "text/plain" }), 415);
    await expectError(await send(s(), `/api/services/${id}`, { method: "PATCH", body: JSON.stringify({ paused: true }), type: "text/plain" }), 415);
    await expectError(await send(s(), "/api/keys", { method: "POST", body: JSON.stringify({ name: "k", scopes: ["read"] }), type: "text/plain" }), 415);
    // JSON with a charset parameter is JSON
    const ok = await send(s(), `/api/services/${id}/heartbeat`, { method: "POST", body: json, type: "application/json; charset=utf-8" });
    expect(ok.status).toBe(200);
  });

  it("422 for an unknown status, and for 'stale' sent by a client", async () => {
    const id = await register(s(), { service_name: "Statuses", service_id: uniqueId() });
    for (const status of ["bogus", "HEALTHY", "ok", "", "stale"]) {
      const body = await expectError(await s().api(`/api/services/${id}/heartbeat`, { method: "POST", json: { status } }), 422);
      expect(Object.keys(body.error.fields!)).toContain("status");
    }
    const svc = await (await s().api(`/api/services/${id}`)).json();
    expect(svc.status).toBe("unknown");
    expect(svc.events).toEqual([]);
  });

  it("422 for wrong types in a heartbeat", async () => {
    const id = await register(s(), { service_name: "Types", service_id: uniqueId() });
    const cases: [Record<string, unknown>, string][] = [
      [{ status: 5 }, "status"],
      [{ status: null }, "status"],
      [{ metadata: "x" }, "metadata"],
      [{ metadata: [1, 2] }, "metadata"],
      [{ metadata: 7 }, "metadata"],
      [{ message: 5 }, "message"],
      [{ message: { text: "hi" } }, "message"],
    ];
    for (const [json, field] of cases) {
      const body = await expectError(await s().api(`/api/services/${id}/heartbeat`, { method: "POST", json }), 422);
      expect(Object.keys(body.error.fields!), JSON.stringify(json)).toContain(field);
    }
    // a JSON body that is not an object
    for (const raw of ["[]", "\"healthy\"", "42", "null"]) {
      await expectError(await send(s(), `/api/services/${id}/heartbeat`, { method: "POST", body: raw, type: "application/json" }), 422);
    }
  });

  it("422 for metadata over 16 KiB", async () => {
    const id = await register(s(), { service_name: "Meta", service_id: uniqueId() });
    const tooBig = { blob: big(17 * KIB) };
    let body = await expectError(await s().api(`/api/services/${id}/heartbeat`, { method: "POST", json: { metadata: tooBig } }), 422);
    expect(Object.keys(body.error.fields!)).toContain("metadata");
    body = await expectError(await s().api("/api/services", { method: "POST", json: { service_name: "m", metadata: tooBig } }), 422);
    expect(Object.keys(body.error.fields!)).toContain("metadata");
    body = await expectError(await s().api(`/api/services/${id}`, { method: "PATCH", json: { metadata: tooBig } }), 422);
    expect(Object.keys(body.error.fields!)).toContain("metadata");
    // 16 KiB or a little under is accepted
    const fits = { blob: big(16 * KIB - 20) };
    expect((await s().api(`/api/services/${id}/heartbeat`, { method: "POST", json: { metadata: fits } })).status).toBe(200);
  });

  it("422 for a service_id that does not match [A-Za-z0-9._:-]{1,128}", async () => {
    for (const serviceId of ["has space", "a".repeat(129), "", "slash/inside", "ümlaut", "semi;colon", "q?x", 42]) {
      const body = await expectError(
        await s().api("/api/services", { method: "POST", json: { service_name: "Bad id", service_id: serviceId } }),
        422,
      );
      expect(Object.keys(body.error.fields!), String(serviceId)).toContain("service_id");
    }
    // the pattern's edges are accepted
    const longest = `${uniqueId("edge").replace(/[^A-Za-z0-9]/g, "")}${"a".repeat(128)}`.slice(0, 128);
    expect(await register(s(), { service_name: "Longest", service_id: longest })).toBe(longest);
    const punct = `${uniqueId()}._:-`;
    expect(await register(s(), { service_name: "Punct", service_id: punct })).toBe(punct);
    expect((await s().api(`/api/services/${encodeURIComponent(punct)}`)).status).toBe(200);
  });

  it("422 for unknown extra fields", async () => {
    const id = await register(s(), { service_name: "Extra", service_id: uniqueId() });
    await expectError(await s().api("/api/services", { method: "POST", json: { service_name: "e", colour: "red" } }), 422);
    await expectError(await s().api(`/api/services/${id}/heartbeat`, { method: "POST", json: { status: "healthy", sttaus: "x" } }), 422);
    await expectError(await s().api(`/api/services/${id}`, { method: "PATCH", json: { name: "n", status: "healthy" } }), 422);
    await expectError(await s().api("/api/keys", { method: "POST", json: { name: "k", scopes: ["read"], key: "mine" } }), 422);
  });

  it("422 for an empty, missing or too long service name", async () => {
    for (const json of [{ service_name: "" }, { service_name: "   " }, {}, { service_name: 5 }, { service_name: big(201) }]) {
      const body = await expectError(await s().api("/api/services", { method: "POST", json }), 422);
      expect(Object.keys(body.error.fields!), JSON.stringify(json).slice(0, 40)).toContain("service_name");
    }
    const id = await register(s(), { service_name: "Named", service_id: uniqueId() });
    await expectError(await s().api(`/api/services/${id}`, { method: "PATCH", json: { name: "" } }), 422);
    await expectError(await s().api(`/api/services/${id}`, { method: "PATCH", json: { name: "  " } }), 422);
  });

  it("422 for bad PATCH values and an empty PATCH", async () => {
    const id = await register(s(), { service_name: "Patchy", service_id: uniqueId() });
    for (const json of [
      {},
      { stale_threshold: 0 },
      { stale_threshold: -5 },
      { stale_threshold: 1.5 },
      { stale_threshold: "60" },
      { paused: "yes" },
      { paused: null },
      { metadata: "x" },
      { metadata: [1] },
      { name: 5 },
    ]) {
      await expectError(await s().api(`/api/services/${id}`, { method: "PATCH", json }), 422);
    }
  });

  it("422 for bad query parameters", async () => {
    const id = await register(s(), { service_name: "Query", service_id: uniqueId() });
    for (const q of ["status=bogus", "limit=0", "limit=-1", "limit=abc", "limit=1.5", "cursor=has%20space"]) {
      await expectError(await s().api(`/api/services?${q}`), 422);
    }
    for (const q of ["limit=0", "limit=abc", "before=yesterday"]) {
      await expectError(await s().api(`/api/services/${id}/events?${q}`), 422);
    }
  });

  it("404 for an unknown service on GET, heartbeat, PATCH, DELETE and events", async () => {
    const id = uniqueId("missing");
    const cases: [string, string, unknown][] = [
      ["GET", `/api/services/${id}`, undefined],
      ["POST", `/api/services/${id}/heartbeat`, { status: "healthy" }],
      ["PATCH", `/api/services/${id}`, { name: "ghost" }],
      ["DELETE", `/api/services/${id}`, undefined],
      ["GET", `/api/services/${id}/events`, undefined],
    ];
    for (const [method, path, json] of cases) {
      const body = await expectError(await s().api(path, { method, json }), 404);
      expect(body.detail).toBe(`Service not found: ${id}`);
    }
    // a heartbeat without a body, too
    expect((await expectError(await s().api(`/api/services/${id}/heartbeat`, { method: "POST" }), 404)).detail).toBe(
      `Service not found: ${id}`,
    );
    // nothing was created along the way
    expect((await s().api(`/api/services/${id}`)).status).toBe(404);
  });

  it("a JSON 404 for an unknown /api path", async () => {
    for (const [method, path] of [
      ["GET", "/api/nope"],
      ["GET", "/api/services/x/unknown"],
      ["POST", "/api/nothing/here"],
      ["DELETE", "/api/v2/services"],
    ]) {
      await expectError(await s().api(path, { method }), 404);
    }
    await expectError(await s().api("/api/nope", { key: null }), 404);
  });

  describe("the order of the checks", () => {
    it("credentials come before the body's size", async () => {
      const id = await register(s(), { service_name: "Order 1", service_id: uniqueId() });
      const path = `/api/services/${id}/heartbeat`;
      await expectError(await send(s(), path, { method: "POST", body: oversized(), type: "application/json", key: null }), 401);
      await expectError(await send(s(), path, { method: "POST", body: oversized(), type: "application/json", key: "lsk_wrong-key-order-test" }), 401);
      await expectError(await send(s(), path, { method: "POST", body: oversized(), type: "application/json", key: readKey }), 403);
      await expectError(await send(s(), path, { method: "POST", body: "{", type: "text/plain", key: null }), 401);
      await expectError(await send(s(), path, { method: "POST", body: "{", type: "application/json", key: readKey }), 403);
    });

    it("size comes before the content type, which comes before JSON syntax", async () => {
      const id = await register(s(), { service_name: "Order 2", service_id: uniqueId() });
      const path = `/api/services/${id}/heartbeat`;
      await expectError(await send(s(), path, { method: "POST", body: `{${big(70 * KIB)}`, type: "text/plain" }), 413);
      await expectError(await send(s(), path, { method: "POST", body: "{not json", type: "text/plain" }), 415);
      await expectError(await send(s(), "/api/services", { method: "POST", body: "{not json", type: "text/plain" }), 415);
    });

    it("JSON syntax and validation come before the service's existence", async () => {
      const missing = uniqueId("missing");
      const path = `/api/services/${missing}/heartbeat`;
      await expectError(await send(s(), path, { method: "POST", body: "{", type: "application/json" }), 400);
      await expectError(await send(s(), `/api/services/${missing}`, { method: "PATCH", body: "{", type: "application/json" }), 400);
      await expectError(await s().api(path, { method: "POST", json: { status: "stale" } }), 422);
      await expectError(await s().api(`/api/services/${missing}`, { method: "PATCH", json: { paused: "no" } }), 422);
      const body = await expectError(await s().api(path, { method: "POST", json: { status: "healthy" } }), 404);
      expect(body.detail).toBe(`Service not found: ${missing}`);
    });
  });

  it("bad input never changes stored data", async () => {
    const id = uniqueId();
    const base = { a: "x".repeat(10 * KIB), b: 1 };
    await register(s(), { service_name: "Guarded", service_id: id, metadata: base });
    await beat(s(), id, { status: "warning", message: "steady", metadata: { c: true } });
    const snapshot = async () => {
      const svc = await (await s().api(`/api/services/${id}`)).json();
      const listed = (await (await s().api(`/api/services?q=${id}`)).json()).services[id];
      const events = await (await s().api(`/api/services/${id}/events`)).json();
      return { svc, listed, events };
    };
    const before = await snapshot();
    expect(before.svc).toMatchObject({ name: "Guarded", status: "warning", message: "steady", metadata: { ...base, c: true } });

    const hb = `/api/services/${id}/heartbeat`;
    const rejected: [string, () => Promise<Response>, number][] = [
      ["heartbeat: unknown status", () => s().api(hb, { method: "POST", json: { status: "broken", message: "no" } }), 422],
      ["heartbeat: stale", () => s().api(hb, { method: "POST", json: { status: "stale", message: "no" } }), 422],
      ["heartbeat: metadata string", () => s().api(hb, { method: "POST", json: { metadata: "x", message: "no" } }), 422],
      ["heartbeat: metadata array", () => s().api(hb, { method: "POST", json: { metadata: ["x"] } }), 422],
      ["heartbeat: extra field", () => s().api(hb, { method: "POST", json: { status: "healthy", message: "no", extra: 1 } }), 422],
      ["heartbeat: metadata too big", () => s().api(hb, { method: "POST", json: { metadata: { z: big(17 * KIB) } } }), 422],
      // each part is under 16 KiB, the merge with the stored 10 KiB is not
      ["heartbeat: merged metadata too big", () => s().api(hb, { method: "POST", json: { status: "error", message: "no", metadata: { d: big(10 * KIB) } } }), 422],
      ["heartbeat: malformed JSON", () => send(s(), hb, { method: "POST", body: "{\"status\":\"error\"", type: "application/json" }), 400],
      ["heartbeat: text/plain", () => send(s(), hb, { method: "POST", body: "{\"status\":\"error\"}", type: "text/plain" }), 415],
      ["heartbeat: oversized", () => send(s(), hb, { method: "POST", body: oversized(), type: "application/json" }), 413],
      ["heartbeat: read key", () => s().api(hb, { method: "POST", json: { status: "error" }, key: readKey }), 403],
      ["heartbeat: no credential", () => s().api(hb, { method: "POST", json: { status: "error" }, key: null }), 401],
      ["register: bad metadata", () => s().api("/api/services", { method: "POST", json: { service_name: "Renamed", service_id: id, metadata: "x" } }), 422],
      ["register: empty name", () => s().api("/api/services", { method: "POST", json: { service_name: "", service_id: id, metadata: { b: 2 } } }), 422],
      ["register: extra field", () => s().api("/api/services", { method: "POST", json: { service_name: "Renamed", service_id: id, nope: 1 } }), 422],
      ["register: merged metadata too big", () => s().api("/api/services", { method: "POST", json: { service_name: "Renamed", service_id: id, metadata: { d: big(10 * KIB) } } }), 422],
      ["register: read key", () => s().api("/api/services", { method: "POST", json: { service_name: "Renamed", service_id: id }, key: readKey }), 403],
      ["patch: empty", () => s().api(`/api/services/${id}`, { method: "PATCH", json: {} }), 422],
      ["patch: bad threshold", () => s().api(`/api/services/${id}`, { method: "PATCH", json: { name: "Renamed", stale_threshold: 0 } }), 422],
      ["patch: bad paused", () => s().api(`/api/services/${id}`, { method: "PATCH", json: { name: "Renamed", paused: "yes" } }), 422],
      ["patch: extra field", () => s().api(`/api/services/${id}`, { method: "PATCH", json: { name: "Renamed", status: "healthy" } }), 422],
      ["patch: metadata too big", () => s().api(`/api/services/${id}`, { method: "PATCH", json: { name: "Renamed", metadata: { z: big(17 * KIB) } } }), 422],
      ["patch: malformed JSON", () => send(s(), `/api/services/${id}`, { method: "PATCH", body: "{\"name\":", type: "application/json" }), 400],
      ["patch: read key", () => s().api(`/api/services/${id}`, { method: "PATCH", json: { paused: true }, key: readKey }), 403],
      ["delete: write key", () => s().api(`/api/services/${id}`, { method: "DELETE", key: writeKey }), 403],
    ];
    for (const [what, request, status] of rejected) {
      await expectError(await request(), status);
      expect(await snapshot(), what).toEqual(before);
    }
  });

  it("per-key rate limits are off by default", async () => {
    const results = await Promise.all(Array.from({ length: 40 }, () => s().api("/api/services?limit=1")));
    expect(results.map((r) => r.status)).toEqual(Array(40).fill(200));
  });

  it("no CORS headers when CORS_ORIGINS is not set", async () => {
    const res = await s().api("/api/services?limit=1", { headers: { origin: "https://a.example" } });
    expect(res.status).toBe(200);
    expect(res.headers.get("access-control-allow-origin")).toBeNull();
  });
});

describe.each(PROVIDERS)("failed authentication is slowed down on %s (AUTH_FAILURES_PER_MINUTE=3)", (provider) => {
  let s: TestServer;
  beforeAll(() => {
    s = server("authFailures", provider);
  });

  it("answers 429 with Retry-After once an address has failed too often", async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 3; i++) {
      const res = await s.api("/api/services", { key: `lsk_wrong-${i}-xxxxxxxxxxxx` });
      statuses.push(res.status);
      await res.body?.cancel();
    }
    expect(statuses).toEqual([401, 401, 401]);
    for (const form of ["bearer", "x-api-key"]) {
      const res =
        form === "bearer"
          ? await s.api("/api/services", { key: "lsk_wrong-again-xxxxxxxxxx" })
          : await s.api("/api/services", { key: null, headers: { "x-api-key": "lsk_wrong-again-yyyyyyyyyy" } });
      await expectError(res, 429);
      const retryAfter = Number(res.headers.get("retry-after"));
      expect(Number.isInteger(retryAfter)).toBe(true);
      expect(retryAfter).toBeGreaterThan(0);
      expect(retryAfter).toBeLessThanOrEqual(60);
    }
    // the public routes stay open
    expect((await s.api("/api/health", { key: null })).status).toBe(200);
  });

  it("a client cannot escape the limit by forging X-Forwarded-For", async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) {
      const res = await s.api("/api/services", {
        key: `lsk_forged-${i}-xxxxxxxxxxxx`,
        headers: { "x-forwarded-for": `203.0.113.${10 + i}` },
      });
      statuses.push(res.status);
      await res.body?.cancel();
    }
    // the real address already failed 3+ times (previous test) or fails now: at most 3 can be 401
    expect(statuses.filter((st) => st === 401).length).toBeLessThanOrEqual(3);
    expect(statuses.at(-1)).toBe(429);
  });
});

describe.each(PROVIDERS)("per-key rate limit on %s (RATE_LIMIT_PER_KEY=5)", (provider) => {
  let s: TestServer;
  beforeAll(() => {
    s = server("perKey", provider);
  });

  it("the 6th request in a minute with one key gets 429; other keys and public routes are unaffected", async () => {
    const id = uniqueId();
    // admin key: requests 1 and 2
    const otherKey = await createKey(s, ["write"]);
    expect(await register(s, { service_name: "Limited", service_id: id })).toBe(id);
    // 3 to 5
    for (let i = 0; i < 3; i++) expect((await s.api(`/api/services/${id}`)).status).toBe(200);
    // 6
    const limited = await s.api(`/api/services/${id}`);
    await expectError(limited, 429);
    const retryAfter = Number(limited.headers.get("retry-after"));
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(60);
    // a limited heartbeat is not recorded
    await expectError(await s.api(`/api/services/${id}/heartbeat`, { method: "POST", json: { status: "error" } }), 429);
    // another key has its own quota, in either header form
    const seen = await s.api(`/api/services/${id}`, { key: null, headers: { "x-api-key": otherKey } });
    expect(seen.status).toBe(200);
    expect((await seen.json()).status).toBe("unknown");
    expect((await s.api(`/api/services/${id}/heartbeat`, { method: "POST", json: {}, key: otherKey })).status).toBe(200);
    expect((await s.api("/api/health", { key: null })).status).toBe(200);
    expect((await s.api("/api", { key: null })).status).toBe(200);
  });
});

describe.each(PROVIDERS)("CORS on %s (CORS_ORIGINS=https://a.example)", (provider) => {
  let s: TestServer;
  beforeAll(() => {
    s = server("cors", provider);
  });

  const preflight = (path: string, origin: string) =>
    fetch(s.url + path, {
      method: "OPTIONS",
      headers: {
        origin,
        "access-control-request-method": "POST",
        "access-control-request-headers": "authorization, content-type",
      },
    });

  it("answers a preflight from an allowed origin", async () => {
    for (const path of ["/api/services", "/api/services/some-id/heartbeat", "/api/services/some-id", "/api/keys"]) {
      const res = await preflight(path, "https://a.example");
      expect(res.status, path).toBeLessThan(300);
      expect(res.headers.get("access-control-allow-origin"), path).toBe("https://a.example");
      expect(res.headers.get("access-control-allow-methods") ?? "").toMatch(/POST/);
      const allowHeaders = (res.headers.get("access-control-allow-headers") ?? "").toLowerCase();
      expect(allowHeaders).toContain("authorization");
      expect(allowHeaders).toContain("content-type");
      expect(allowHeaders).toContain("x-api-key");
    }
  });

  it("adds Access-Control-Allow-Origin to answers for an allowed origin, errors included", async () => {
    const ok = await s.api("/api/services?limit=1", { headers: { origin: "https://a.example" } });
    expect(ok.status).toBe(200);
    expect(ok.headers.get("access-control-allow-origin")).toBe("https://a.example");
    const health = await s.api("/api/health", { key: null, headers: { origin: "https://a.example" } });
    expect(health.headers.get("access-control-allow-origin")).toBe("https://a.example");
    const denied = await s.api("/api/services", { key: null, headers: { origin: "https://a.example" } });
    await expectError(denied, 401);
    expect(denied.headers.get("access-control-allow-origin")).toBe("https://a.example");
  });

  it("sends no CORS headers for another origin", async () => {
    const pre = await preflight("/api/services", "https://b.example");
    expect(pre.headers.get("access-control-allow-origin")).toBeNull();
    const res = await s.api("/api/services?limit=1", { headers: { origin: "https://b.example" } });
    expect(res.status).toBe(200);
    expect(res.headers.get("access-control-allow-origin")).toBeNull();
    const sub = await s.api("/api/services?limit=1", { headers: { origin: "https://a.example.evil.test" } });
    expect(sub.headers.get("access-control-allow-origin")).toBeNull();
  });
});
