import Database from "better-sqlite3";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDatabase, PROVIDERS, startServer, uniqueId, type Provider, type TestServer, serverFleet } from "./harness";

// SPEC section 2, the service routes: GET /api, /api/health, register, heartbeat, get, list (filters, search,
// pagination, summary), PATCH, DELETE, events (paging) and the bounded heartbeat log, on SQLite and PostgreSQL.

const STATUSES = ["healthy", "warning", "degraded", "error", "busy", "stale", "unknown"];
const ISO_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,6})?Z$/;
const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/i;
const SERVICE_FIELDS = [
  "id",
  "name",
  "status",
  "message",
  "metadata",
  "created_at",
  "updated_at",
  "last_heartbeat",
  "stale_threshold",
  "paused",
];

type Ev = { id?: string; type: string; timestamp: string; status: string; message: string | null; from?: string };
type Svc = {
  id: string;
  name: string;
  status: string;
  message: string | null;
  metadata: Record<string, unknown>;
  created_at: string;
  updated_at: string;
  last_heartbeat: string | null;
  stale_threshold: number;
  paused: boolean;
  events?: Ev[];
};
type List = {
  services: Record<string, Svc>;
  summary: { total: number; status_counts: Record<string, number> };
  next_cursor: string | null;
};

// Every server this file needs, per provider, started together (and stopped together) to keep the file fast.
const SETUPS = {
  main: {},
  shortHistory: { HISTORY_HEARTBEATS: "5" },
} satisfies Record<string, Record<string, string>>;
type Setup = keyof typeof SETUPS;

const server = serverFleet(SETUPS);

async function register(s: TestServer, body: Record<string, unknown>): Promise<string> {
  const res = await s.api("/api/services", { method: "POST", json: body });
  expect(res.status, await res.clone().text()).toBe(200);
  return ((await res.json()) as { service_id: string }).service_id;
}

async function beat(s: TestServer, id: string, body?: Record<string, unknown>): Promise<Svc> {
  const res = await s.api(`/api/services/${id}/heartbeat`, { method: "POST", json: body ?? {} });
  expect(res.status, await res.clone().text()).toBe(200);
  return (await res.json()) as Svc;
}

async function getSvc(s: TestServer, id: string): Promise<Svc> {
  const res = await s.api(`/api/services/${encodeURIComponent(id)}`);
  expect(res.status, await res.clone().text()).toBe(200);
  return (await res.json()) as Svc;
}

async function list(s: TestServer, query = ""): Promise<List> {
  const res = await s.api(`/api/services${query ? `?${query}` : ""}`);
  expect(res.status, await res.clone().text()).toBe(200);
  return (await res.json()) as List;
}

async function events(s: TestServer, id: string, query = ""): Promise<{ events: Ev[]; next_cursor: string | null }> {
  const res = await s.api(`/api/services/${id}/events${query ? `?${query}` : ""}`);
  expect(res.status, await res.clone().text()).toBe(200);
  return res.json();
}

/** Every event of a service, newest first, walking the events endpoint's pages. */
async function allEvents(s: TestServer, id: string): Promise<Ev[]> {
  const out: Ev[] = [];
  let before: string | null = null;
  for (let page = 0; page < 100; page++) {
    const body = await events(s, id, `limit=1000${before ? `&before=${before}` : ""}`);
    out.push(...body.events);
    if (!body.next_cursor) return out;
    before = body.next_cursor;
  }
  throw new Error("events did not end");
}

function expectServiceShape(svc: Svc, withEvents: boolean) {
  for (const f of SERVICE_FIELDS) expect(svc, `field ${f}`).toHaveProperty(f);
  expect(typeof svc.id).toBe("string");
  expect(typeof svc.name).toBe("string");
  expect(STATUSES).toContain(svc.status);
  expect(svc.message === null || typeof svc.message === "string").toBe(true);
  expect(svc.metadata !== null && typeof svc.metadata === "object" && !Array.isArray(svc.metadata)).toBe(true);
  expect(svc.created_at).toMatch(ISO_UTC);
  expect(svc.updated_at).toMatch(ISO_UTC);
  if (svc.last_heartbeat !== null) expect(svc.last_heartbeat).toMatch(ISO_UTC);
  expect(Number.isInteger(svc.stale_threshold)).toBe(true);
  expect(typeof svc.paused).toBe("boolean");
  if (withEvents) {
    expect(Array.isArray(svc.events)).toBe(true);
    for (const e of svc.events!) expectEventShape(e);
  } else {
    expect(svc).not.toHaveProperty("events");
  }
}

function expectEventShape(e: Ev) {
  expect(["heartbeat", "flip"]).toContain(e.type);
  expect(e.timestamp).toMatch(ISO_UTC);
  expect(STATUSES).toContain(e.status);
  expect(e).toHaveProperty("message");
  expect(e.message === null || typeof e.message === "string").toBe(true);
  if (e.type === "flip") expect(STATUSES).toContain(e.from);
  else expect(e.from).toBeUndefined();
}

describe.each(PROVIDERS)("service API on %s", (provider) => {
  const s = () => server("main", provider);

  it("GET /api answers name, version and status without a credential", async () => {
    const res = await s().api("/api", { key: null });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/application\/json/);
    const body = await res.json();
    expect(body).toMatchObject({ name: "LaneSwap API", status: "operational" });
    expect(typeof body.version).toBe("string");
    expect(body.version.length).toBeGreaterThan(0);
  });

  it("GET /api/health answers the compatible shape and a reachable database without a credential", async () => {
    const before = Date.now();
    const res = await s().api("/api/health", { key: null });
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body).toMatchObject({ status: "ok", service: "LaneSwap API" });
    expect(body.timestamp).toMatch(ISO_UTC);
    expect(Math.abs(Date.parse(body.timestamp) - before)).toBeLessThan(60_000);
    expect(body.database.status).toBe("ok");
  });

  it("POST /api/services without service_id generates a UUIDv4 id", async () => {
    const res = await s().api("/api/services", { method: "POST", json: { service_name: "No id" } });
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(Object.keys(body)).toEqual(["service_id"]);
    expect(body.service_id).toMatch(UUID_V4);
    const other = await register(s(), { service_name: "No id" });
    expect(other).not.toBe(body.service_id);
    const svc = await getSvc(s(), body.service_id);
    expect(svc.name).toBe("No id");
  });

  it("a new service is unknown, has no heartbeat, the default threshold and no events; the name is trimmed", async () => {
    const id = uniqueId();
    const t0 = Date.now();
    expect(await register(s(), { service_name: "  Fresh  ", service_id: id, metadata: { region: "eu", n: 1 } })).toBe(id);
    const svc = await getSvc(s(), id);
    expectServiceShape(svc, true);
    expect(svc).toMatchObject({
      id,
      name: "Fresh",
      status: "unknown",
      message: null,
      metadata: { region: "eu", n: 1 },
      last_heartbeat: null,
      stale_threshold: 60,
      paused: false,
      events: [],
    });
    expect(Math.abs(Date.parse(svc.created_at) - t0)).toBeLessThan(60_000);
  });

  it("re-registering the same service_id is idempotent: 200, same id, new name, shallow-merged metadata", async () => {
    const id = uniqueId();
    await register(s(), { service_name: "First", service_id: id, metadata: { a: 1, b: { x: 1 }, keep: "yes" } });
    const first = await getSvc(s(), id);
    await beat(s(), id, { status: "warning", message: "hot" });
    const res = await s().api("/api/services", {
      method: "POST",
      json: { service_name: "Second", service_id: id, metadata: { b: { y: 2 }, c: 3 } },
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ service_id: id });
    const svc = await getSvc(s(), id);
    expect(svc.name).toBe("Second");
    // shallow: b is replaced as a whole, a and keep survive
    expect(svc.metadata).toEqual({ a: 1, b: { y: 2 }, keep: "yes", c: 3 });
    expect(svc.created_at).toBe(first.created_at);
    // re-registration does not reset the status, message or history
    expect(svc.status).toBe("warning");
    expect(svc.message).toBe("hot");
    expect(svc.events!.filter((e) => e.type === "heartbeat")).toHaveLength(1);
    // still one service
    expect(Object.keys((await list(s(), `q=${id}`)).services)).toEqual([id]);
  });

  it("GET /api/services/{id} answers the full ServiceStatus with events oldest first", async () => {
    const id = uniqueId();
    await register(s(), { service_name: "Shape", service_id: id, metadata: { team: "core" } });
    const t0 = Date.now();
    await beat(s(), id, { status: "healthy", message: "one" });
    await beat(s(), id, { status: "healthy", message: "two" });
    await beat(s(), id, { status: "error", message: "three" });
    const svc = await getSvc(s(), id);
    expectServiceShape(svc, true);
    expect(svc).toMatchObject({ id, name: "Shape", status: "error", message: "three", metadata: { team: "core" }, paused: false });
    expect(svc.last_heartbeat).not.toBeNull();
    expect(Math.abs(Date.parse(svc.last_heartbeat!) - t0)).toBeLessThan(60_000);
    expect(Date.parse(svc.updated_at)).toBeGreaterThanOrEqual(Date.parse(svc.created_at));
    const summary = svc.events!.map((e) => ({ type: e.type, status: e.status, message: e.message, from: e.from }));
    expect(summary).toEqual([
      { type: "heartbeat", status: "healthy", message: "one", from: undefined },
      { type: "flip", status: "healthy", message: "one", from: "unknown" },
      { type: "heartbeat", status: "healthy", message: "two", from: undefined },
      { type: "heartbeat", status: "error", message: "three", from: undefined },
      { type: "flip", status: "error", message: "three", from: "healthy" },
    ]);
    const times = svc.events!.map((e) => Date.parse(e.timestamp));
    expect([...times].sort((a, b) => a - b)).toEqual(times);
    expect(svc.events![svc.events!.length - 1].timestamp).toBe(svc.last_heartbeat);
  });

  it("the heartbeat answers the updated ServiceStatus", async () => {
    const id = uniqueId();
    await register(s(), { service_name: "Answer", service_id: id });
    const body = await beat(s(), id, { status: "busy", message: "crunching", metadata: { job: 7 } });
    expectServiceShape(body, true);
    expect(body).toMatchObject({ id, name: "Answer", status: "busy", message: "crunching", metadata: { job: 7 } });
    expect(body.events!.map((e) => [e.type, e.status, e.from])).toEqual([
      ["heartbeat", "busy", undefined],
      ["flip", "busy", "unknown"],
    ]);
    expect(await getSvc(s(), id)).toEqual(body);
  });

  it("a steady heartbeat answers the same as GET; 'Prefer: return=minimal' leaves the events out", async () => {
    const id = uniqueId();
    await register(s(), { service_name: "Minimal", service_id: id });
    await beat(s(), id, { status: "warning" });
    const full = await beat(s(), id, { status: "warning", message: "still", metadata: { n: 2 } });
    expectServiceShape(full, true);
    expect(full.events).toHaveLength(3);
    expect(await getSvc(s(), id)).toEqual(full);
    const res = await s().api(`/api/services/${id}/heartbeat`, {
      method: "POST",
      body: JSON.stringify({ status: "warning", message: "quiet" }),
      headers: { "content-type": "application/json", prefer: "return=minimal" },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get("preference-applied")).toBe("return=minimal");
    const minimal = (await res.json()) as Svc;
    expectServiceShape(minimal, false);
    const { events, ...rest } = await getSvc(s(), id);
    expect(events).toHaveLength(4);
    expect(minimal).toEqual(rest);
  });

  it("a heartbeat with an empty JSON body defaults to healthy", async () => {
    const id = uniqueId();
    await register(s(), { service_name: "Empty body", service_id: id });
    const res = await s().api(`/api/services/${id}/heartbeat`, {
      method: "POST",
      body: "",
      headers: { "content-type": "application/json" },
    });
    expect(res.status, await res.clone().text()).toBe(200);
    const svc = (await res.json()) as Svc;
    expect(svc.status).toBe("healthy");
    expect(svc.message).toBeNull();
    expect(svc.last_heartbeat).toMatch(ISO_UTC);
    // the empty object too
    expect((await beat(s(), id, {})).status).toBe("healthy");
  });

  it("a heartbeat with no body at all defaults to healthy", async () => {
    const id = uniqueId();
    await register(s(), { service_name: "No body", service_id: id });
    await beat(s(), id, { status: "warning" });
    const res = await s().api(`/api/services/${id}/heartbeat`, { method: "POST" });
    expect(res.status, await res.clone().text()).toBe(200);
    const svc = (await res.json()) as Svc;
    expect(svc.status).toBe("healthy");
    expect(svc.events!.at(-1)).toMatchObject({ type: "flip", from: "warning", status: "healthy" });
  });

  it("heartbeat metadata is shallow-merged into the service's metadata", async () => {
    const id = uniqueId();
    await register(s(), { service_name: "Merge", service_id: id, metadata: { a: 1, nested: { x: 1, y: 2 }, keep: true } });
    let svc = await beat(s(), id, { metadata: { a: 2, nested: { z: 3 }, added: "new" } });
    expect(svc.metadata).toEqual({ a: 2, nested: { z: 3 }, keep: true, added: "new" });
    // a heartbeat without metadata leaves it alone
    svc = await beat(s(), id, { status: "healthy" });
    expect(svc.metadata).toEqual({ a: 2, nested: { z: 3 }, keep: true, added: "new" });
    svc = await beat(s(), id, { metadata: { list: [1, 2], nothing: null } });
    expect(svc.metadata).toEqual({ a: 2, nested: { z: 3 }, keep: true, added: "new", list: [1, 2], nothing: null });
    expect((await getSvc(s(), id)).metadata).toEqual(svc.metadata);
  });

  it("a heartbeat with the same status records no flip; a different status records one with from", async () => {
    const id = uniqueId();
    await register(s(), { service_name: "Flips", service_id: id });
    await beat(s(), id, { status: "healthy" });
    await beat(s(), id, { status: "healthy", message: "still fine" });
    await beat(s(), id, { status: "healthy" });
    let evs = (await getSvc(s(), id)).events!;
    expect(evs.filter((e) => e.type === "flip")).toHaveLength(1);
    expect(evs.filter((e) => e.type === "heartbeat")).toHaveLength(3);
    await beat(s(), id, { status: "degraded", message: "slow" });
    await beat(s(), id, { status: "degraded", message: "slow" });
    evs = (await getSvc(s(), id)).events!;
    const flips = evs.filter((e) => e.type === "flip");
    expect(flips).toHaveLength(2);
    expect(flips[1]).toMatchObject({ from: "healthy", status: "degraded", message: "slow" });
    expect(evs.filter((e) => e.type === "heartbeat")).toHaveLength(5);
    const svc = await getSvc(s(), id);
    expect(svc.status).toBe("degraded");
  });

  it("the message is the last one sent", async () => {
    const id = uniqueId();
    await register(s(), { service_name: "Messages", service_id: id });
    expect((await beat(s(), id, { message: "first" })).message).toBe("first");
    expect((await beat(s(), id, { message: "second" })).message).toBe("second");
    expect((await getSvc(s(), id)).message).toBe("second");
  });

  it("the list returns services without events and a summary with all 7 statuses", async () => {
    const prefix = uniqueId("lst");
    const ids = { h: `${prefix}-h`, w: `${prefix}-w`, e: `${prefix}-e`, u: `${prefix}-u` };
    const before = (await list(s(), "limit=1")).summary;
    for (const id of Object.values(ids)) await register(s(), { service_name: `List ${id}`, service_id: id });
    await beat(s(), ids.h, { status: "healthy" });
    await beat(s(), ids.w, { status: "warning" });
    await beat(s(), ids.e, { status: "error" });
    const body = await list(s(), `q=${prefix}`);
    expect(Object.keys(body.services).sort()).toEqual(Object.values(ids).sort());
    for (const [id, svc] of Object.entries(body.services)) {
      expect(svc.id).toBe(id);
      expectServiceShape(svc, false);
    }
    expect(body.services[ids.w]).toMatchObject({ status: "warning", name: `List ${ids.w}` });
    expect(body.services[ids.u]).toMatchObject({ status: "unknown", last_heartbeat: null });
    expect(body.next_cursor).toBeNull();

    const { summary } = body;
    expect(Object.keys(summary.status_counts).sort()).toEqual([...STATUSES].sort());
    for (const st of STATUSES) expect(Number.isInteger(summary.status_counts[st])).toBe(true);
    expect(Object.values(summary.status_counts).reduce((a, b) => a + b, 0)).toBe(summary.total);
    // nothing else writes to this server during the test: the counts moved by exactly what we did
    expect(summary.total).toBe(before.total + 4);
    const delta = Object.fromEntries(STATUSES.map((st) => [st, summary.status_counts[st] - before.status_counts[st]]));
    expect(delta).toEqual({ healthy: 1, warning: 1, degraded: 0, error: 1, busy: 0, stale: 0, unknown: 1 });
  });

  it("?status= filters the list and the summary still covers the whole fleet", async () => {
    const prefix = uniqueId("flt");
    for (const st of ["healthy", "warning", "error", "busy"]) {
      await register(s(), { service_name: `Filter ${st}`, service_id: `${prefix}-${st}` });
      await beat(s(), `${prefix}-${st}`, { status: st });
    }
    await register(s(), { service_name: "Filter unknown", service_id: `${prefix}-unknown` });
    const all = await list(s());
    for (const st of ["healthy", "warning", "error", "busy", "unknown"]) {
      const body = await list(s(), `status=${st}&q=${prefix}`);
      expect(Object.keys(body.services)).toEqual([`${prefix}-${st}`]);
      expect(body.summary).toEqual(all.summary);
      // without q: every listed service has that status, and all of them are there
      const byStatus = await list(s(), `status=${st}`);
      expect(Object.values(byStatus.services).every((svc) => svc.status === st)).toBe(true);
      expect(Object.keys(byStatus.services)).toHaveLength(all.summary.status_counts[st]);
      expect(byStatus.summary).toEqual(all.summary);
    }
    const none = await list(s(), `status=degraded&q=${prefix}`);
    expect(none.services).toEqual({});
    expect(none.summary).toEqual(all.summary);
    expect(none.summary.total).toBe(Object.keys(all.services).length);
  });

  it("?q= searches the id, the name and the last message", async () => {
    const token = uniqueId("tok").replace(/-/g, "");
    const byId = `${uniqueId()}-${token}-id`;
    const byName = uniqueId();
    const byMessage = uniqueId();
    const unrelated = uniqueId();
    await register(s(), { service_name: "plain", service_id: byId });
    await register(s(), { service_name: `Name ${token} here`, service_id: byName });
    await register(s(), { service_name: "plain", service_id: byMessage });
    await beat(s(), byMessage, { status: "warning", message: `disk ${token} full` });
    await register(s(), { service_name: "plain", service_id: unrelated });
    await beat(s(), unrelated, { message: "nothing to see" });
    const body = await list(s(), `q=${token}`);
    expect(Object.keys(body.services).sort()).toEqual([byId, byName, byMessage].sort());
    expect(body.summary.total).toBeGreaterThan(3);
    // combined with a status filter
    expect(Object.keys((await list(s(), `q=${token}&status=warning`)).services)).toEqual([byMessage]);
    // search terms are URL-decoded
    expect(Object.keys((await list(s(), `q=${encodeURIComponent(`Name ${token}`)}`)).services)).toEqual([byName]);
  });

  it("?q= is a literal substring: '_' and '%' are not wildcards", async () => {
    const prefix = uniqueId("lit");
    await register(s(), { service_name: "underscore", service_id: `${prefix}-a_b` });
    await register(s(), { service_name: "letter", service_id: `${prefix}-axb` });
    await register(s(), { service_name: "100% done", service_id: `${prefix}-pct` });
    await register(s(), { service_name: "1000 done", service_id: `${prefix}-num` });
    expect(Object.keys((await list(s(), `q=${encodeURIComponent(`${prefix}-a_b`)}`)).services)).toEqual([`${prefix}-a_b`]);
    expect(Object.keys((await list(s(), `q=${encodeURIComponent(`${prefix}-a_`)}`)).services)).toEqual([`${prefix}-a_b`]);
    const pct = await list(s(), `q=${encodeURIComponent("100% done")}`);
    expect(Object.keys(pct.services)).toEqual([`${prefix}-pct`]);
  });

  it("?q= matches regardless of case, the same on both databases", async () => {
    const prefix = uniqueId("case");
    await register(s(), { service_name: "Payments Gateway", service_id: `${prefix}-pay` });
    expect(Object.keys((await list(s(), `q=${prefix}&status=unknown`)).services)).toEqual([`${prefix}-pay`]);
    const lower = await list(s(), `q=${encodeURIComponent("payments gateway")}`);
    expect(Object.keys(lower.services)).toContain(`${prefix}-pay`);
    const upper = await list(s(), `q=${encodeURIComponent(`${prefix.toUpperCase()}-PAY`)}`);
    expect(Object.keys(upper.services)).toEqual([`${prefix}-pay`]);
  });

  it("?limit=&cursor= pages through every matching service exactly once", async () => {
    const prefix = uniqueId("page");
    const ids = Array.from({ length: 25 }, (_, i) => `${prefix}-${String(i).padStart(2, "0")}`);
    await Promise.all(ids.map((id) => register(s(), { service_name: `Page ${id}`, service_id: id })));
    const whole = (await list(s(), "limit=1")).summary;
    const seen: string[] = [];
    const sizes: number[] = [];
    let cursor: string | null = null;
    for (let page = 0; page < 10; page++) {
      const body: List = await list(s(), `q=${prefix}&limit=10${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`);
      sizes.push(Object.keys(body.services).length);
      seen.push(...Object.keys(body.services));
      expect(body.summary).toEqual(whole);
      for (const svc of Object.values(body.services)) expectServiceShape(svc, false);
      cursor = body.next_cursor;
      if (!cursor) break;
      expect(typeof cursor).toBe("string");
    }
    expect(cursor).toBeNull();
    expect(sizes).toEqual([10, 10, 5]);
    expect(new Set(seen).size).toBe(25);
    expect([...seen].sort()).toEqual([...ids].sort());
    // a limit that ends exactly at the last service has no next_cursor after it
    const exact = await list(s(), `q=${prefix}&limit=25`);
    expect(Object.keys(exact.services)).toHaveLength(25);
    expect(exact.next_cursor).toBeNull();
    const short = await list(s(), `q=${prefix}&limit=24`);
    expect(Object.keys(short.services)).toHaveLength(24);
    expect(short.next_cursor).not.toBeNull();
  });

  it("PATCH changes the name, replaces the metadata and answers the ServiceStatus", async () => {
    const id = uniqueId();
    await register(s(), { service_name: "Before", service_id: id, metadata: { a: 1, b: 2 } });
    await beat(s(), id, { status: "warning", message: "m" });
    const before = await getSvc(s(), id);
    const res = await s().api(`/api/services/${id}`, { method: "PATCH", json: { name: "  After  ", metadata: { c: 3 } } });
    expect(res.status, await res.clone().text()).toBe(200);
    const body = (await res.json()) as Svc;
    expectServiceShape(body, true);
    expect(body).toMatchObject({ id, name: "After", metadata: { c: 3 }, status: "warning", message: "m" });
    expect(body.metadata).toEqual({ c: 3 });
    expect(body.last_heartbeat).toBe(before.last_heartbeat);
    expect(body.events).toEqual(before.events);
    expect(Date.parse(body.updated_at)).toBeGreaterThanOrEqual(Date.parse(before.updated_at));
    expect(await getSvc(s(), id)).toEqual(body);
  });

  it("PATCH stale_threshold sets an override and null resets it to the default 60", async () => {
    const id = uniqueId();
    await register(s(), { service_name: "Threshold", service_id: id });
    let res = await s().api(`/api/services/${id}`, { method: "PATCH", json: { stale_threshold: 300 } });
    expect(res.status).toBe(200);
    expect(((await res.json()) as Svc).stale_threshold).toBe(300);
    expect((await getSvc(s(), id)).stale_threshold).toBe(300);
    // other fields leave the override alone
    res = await s().api(`/api/services/${id}`, { method: "PATCH", json: { name: "Threshold 2" } });
    expect(((await res.json()) as Svc).stale_threshold).toBe(300);
    res = await s().api(`/api/services/${id}`, { method: "PATCH", json: { stale_threshold: null } });
    expect(res.status).toBe(200);
    expect(((await res.json()) as Svc).stale_threshold).toBe(60);
    expect((await getSvc(s(), id)).stale_threshold).toBe(60);
  });

  it("PATCH paused pauses and resumes a service", async () => {
    const id = uniqueId();
    await register(s(), { service_name: "Pause", service_id: id });
    let res = await s().api(`/api/services/${id}`, { method: "PATCH", json: { paused: true } });
    expect(res.status).toBe(200);
    expect(((await res.json()) as Svc).paused).toBe(true);
    expect((await getSvc(s(), id)).paused).toBe(true);
    // a paused service still takes heartbeats and stays paused
    expect((await beat(s(), id, { status: "healthy" })).paused).toBe(true);
    res = await s().api(`/api/services/${id}`, { method: "PATCH", json: { paused: false } });
    expect(res.status).toBe(200);
    expect(((await res.json()) as Svc).paused).toBe(false);
    expect((await getSvc(s(), id)).paused).toBe(false);
  });

  it("DELETE answers 204 and removes the service and its history", async () => {
    const id = uniqueId();
    await register(s(), { service_name: "Doomed", service_id: id });
    await beat(s(), id, { status: "error", message: "bye" });
    const totalBefore = (await list(s(), "limit=1")).summary.total;
    const res = await s().api(`/api/services/${id}`, { method: "DELETE" });
    expect(res.status).toBe(204);
    expect(await res.text()).toBe("");
    const get = await s().api(`/api/services/${id}`);
    expect(get.status).toBe(404);
    expect((await get.json()).detail).toBe(`Service not found: ${id}`);
    const evs = await s().api(`/api/services/${id}/events`);
    expect(evs.status).toBe(404);
    expect((await evs.json()).detail).toBe(`Service not found: ${id}`);
    const after = await list(s(), `q=${id}`);
    expect(after.services).toEqual({});
    expect(after.summary.total).toBe(totalBefore - 1);
    // a second delete finds nothing
    expect((await s().api(`/api/services/${id}`, { method: "DELETE" })).status).toBe(404);
    // re-registering the id starts from scratch: no old history comes back
    await register(s(), { service_name: "Reborn", service_id: id });
    const reborn = await getSvc(s(), id);
    expect(reborn).toMatchObject({ status: "unknown", message: null, last_heartbeat: null, events: [] });
    expect((await events(s(), id)).events).toEqual([]);
  });

  it("GET /events lists heartbeats and flips newest first, paged with limit, before and next_cursor", async () => {
    const id = uniqueId();
    await register(s(), { service_name: "Events", service_id: id });
    const statuses = ["healthy", "healthy", "warning", "warning", "error", "healthy", "healthy"];
    for (const [i, status] of statuses.entries()) await beat(s(), id, { status, message: `m${i}` });
    // 7 heartbeats + flips unknown→healthy, healthy→warning, warning→error, error→healthy
    const full = await events(s(), id);
    expect(full.next_cursor).toBeNull();
    expect(full.events).toHaveLength(11);
    for (const e of full.events) expectEventShape(e);
    expect(full.events.filter((e) => e.type === "heartbeat").map((e) => e.message)).toEqual(
      ["m6", "m5", "m4", "m3", "m2", "m1", "m0"],
    );
    expect(full.events.filter((e) => e.type === "flip").map((e) => `${e.from}>${e.status}`)).toEqual([
      "error>healthy",
      "warning>error",
      "healthy>warning",
      "unknown>healthy",
    ]);
    const times = full.events.map((e) => Date.parse(e.timestamp));
    expect([...times].sort((a, b) => b - a)).toEqual(times);
    // the service view lists the same events, oldest first
    expect((await getSvc(s(), id)).events).toEqual([...full.events].reverse());

    // pages of 3, walking next_cursor through ?before=
    const walked: Ev[] = [];
    const sizes: number[] = [];
    let before: string | null = null;
    for (let page = 0; page < 10; page++) {
      const body: { events: Ev[]; next_cursor: string | null } = await events(s(), id, `limit=3${before ? `&before=${encodeURIComponent(before)}` : ""}`);
      walked.push(...body.events);
      sizes.push(body.events.length);
      before = body.next_cursor;
      if (!before) break;
    }
    expect(sizes).toEqual([3, 3, 3, 2]);
    expect(walked).toEqual(full.events);

    const first = await events(s(), id, "limit=1");
    expect(first.events).toEqual([full.events[0]]);
    expect(first.next_cursor).not.toBeNull();
    const exact = await events(s(), id, "limit=11");
    expect(exact.events).toEqual(full.events);
    expect(exact.next_cursor).toBeNull();
  });

  it("GET /events ?before= also takes an ISO time", async () => {
    const id = uniqueId();
    await register(s(), { service_name: "Events by time", service_id: id });
    await beat(s(), id);
    await beat(s(), id);
    const all = (await events(s(), id)).events;
    expect(all).toHaveLength(3);
    const future = await events(s(), id, `before=${encodeURIComponent(new Date(Date.now() + 3_600_000).toISOString())}`);
    expect(future.events).toEqual(all);
    const past = await events(s(), id, `before=${encodeURIComponent("2000-01-01T00:00:00Z")}`);
    expect(past.events).toEqual([]);
    expect(past.next_cursor).toBeNull();
  });

  it("the service view holds the newest 100 events, oldest first", async () => {
    const id = uniqueId();
    await register(s(), { service_name: "Busy history", service_id: id });
    // alternate statuses so each heartbeat also records a flip: 60 heartbeats + 60 flips = 120 events
    for (let i = 0; i < 60; i++) await beat(s(), id, { status: i % 2 === 0 ? "healthy" : "warning", message: `b${i}` });
    const svc = await getSvc(s(), id);
    expect(svc.events).toHaveLength(100);
    const log = await allEvents(s(), id);
    expect(log).toHaveLength(120);
    expect(svc.events).toEqual(log.slice(0, 100).reverse());
    expect(svc.events!.at(-1)).toMatchObject({ type: "flip", status: "warning", from: "healthy", message: "b59" });
    // the answer to a heartbeat is bounded the same way
    const answer = await beat(s(), id, { status: "warning", message: "b60" });
    expect(answer.events).toHaveLength(100);
    expect(answer.events!.at(-1)).toMatchObject({ type: "heartbeat", status: "warning", message: "b60" });
  });
});

/** Copies a service's row under new ids (id and name set to the new id), directly in the server's database. */
async function cloneServiceRows(s: TestServer, templateId: string, ids: string[]): Promise<void> {
  if (s.db.provider === "sqlite") {
    const db = new Database(s.db.url.replace(/^file:/, ""));
    try {
      db.pragma("busy_timeout = 15000");
      db.transaction(() => {
        db.exec("DROP TABLE IF EXISTS temp.seed");
        db.prepare("CREATE TEMP TABLE seed AS SELECT * FROM main.services WHERE id = ?").run(templateId);
        const rename = db.prepare("UPDATE temp.seed SET id = ?, name = ?");
        const insert = db.prepare("INSERT INTO main.services SELECT * FROM temp.seed");
        for (const id of ids) {
          rename.run(id, id);
          insert.run();
        }
      })();
    } finally {
      db.close();
    }
    return;
  }
  const client = new pg.Client({ connectionString: s.db.url });
  await client.connect();
  try {
    await client.query("BEGIN");
    await client.query("CREATE TEMP TABLE seed ON COMMIT DROP AS SELECT * FROM services WHERE id = $1", [templateId]);
    for (const id of ids) {
      await client.query("UPDATE seed SET id = $1, name = $1", [id]);
      await client.query("INSERT INTO services SELECT * FROM seed");
    }
    await client.query("COMMIT");
  } finally {
    await client.end();
  }
}

describe.each(PROVIDERS)("bounded history and a fresh fleet on %s (HISTORY_HEARTBEATS=5)", (provider) => {
  let s: TestServer;
  beforeAll(() => {
    s = server("shortHistory", provider);
  });

  it("an empty fleet has a zero-filled summary, and counts follow registrations and heartbeats", async () => {
    const empty = await list(s);
    expect(empty).toEqual({
      services: {},
      summary: { total: 0, status_counts: Object.fromEntries(STATUSES.map((st) => [st, 0])) },
      next_cursor: null,
    });
    const id = uniqueId();
    await register(s, { service_name: "Only", service_id: id });
    expect((await list(s)).summary).toEqual({
      total: 1,
      status_counts: { healthy: 0, warning: 0, degraded: 0, error: 0, busy: 0, stale: 0, unknown: 1 },
    });
    await beat(s, id, { status: "degraded" });
    expect((await list(s)).summary).toEqual({
      total: 1,
      status_counts: { healthy: 0, warning: 0, degraded: 1, error: 0, busy: 0, stale: 0, unknown: 0 },
    });
    expect((await s.api(`/api/services/${id}`, { method: "DELETE" })).status).toBe(204);
    expect((await list(s)).summary.total).toBe(0);
  });

  it("the heartbeat log keeps at most HISTORY_HEARTBEATS + 10 heartbeats; flips are kept", async () => {
    const id = uniqueId();
    await register(s, { service_name: "Bounded", service_id: id });
    for (let i = 0; i < 33; i++) {
      // with so few events the heartbeat's answer holds the whole log
      const answer = await beat(s, id, { status: i === 0 ? "warning" : "healthy", message: `hb${i}` });
      const heartbeats = answer.events!.filter((e) => e.type === "heartbeat").reverse();
      expect(heartbeats.length, `after beat ${i + 1}`).toBeLessThanOrEqual(15);
      // never more pruned than asked: the newest 5 (or all, early on) are always there
      expect(heartbeats.slice(0, 5).map((e) => e.message)).toEqual(
        Array.from({ length: Math.min(5, i + 1) }, (_, k) => `hb${i - k}`),
      );
    }
    const log = await allEvents(s, id);
    const heartbeats = log.filter((e) => e.type === "heartbeat");
    expect(heartbeats.length).toBeGreaterThanOrEqual(5);
    expect(heartbeats.length).toBeLessThanOrEqual(15);
    // the flips of pruned heartbeats remain
    expect(log.filter((e) => e.type === "flip").map((e) => `${e.from}>${e.status}`)).toEqual(["warning>healthy", "unknown>warning"]);
    const svc = await getSvc(s, id);
    expect(svc.events!.length).toBeLessThanOrEqual(100);
    expect(svc.events).toEqual([...log].reverse());
  });

  it("without a limit the list returns 1,000 services and a next_cursor when more remain", async () => {
    const prefix = uniqueId("bulk");
    const ids = Array.from({ length: 1001 }, (_, i) => `${prefix}-${String(i).padStart(4, "0")}`);
    // one registered through the API, 1,000 copies of its row written straight to the database (fast set-up)
    await register(s, { service_name: ids[0], service_id: ids[0] });
    await cloneServiceRows(s, ids[0], ids.slice(1));
    expect((await getSvc(s, ids[1000])).name).toBe(ids[1000]);
    const total = (await list(s, "limit=1")).summary.total;
    expect(total).toBeGreaterThanOrEqual(1001);
    const first = await list(s);
    expect(Object.keys(first.services)).toHaveLength(1000);
    expect(first.next_cursor).not.toBeNull();
    const rest = await list(s, `cursor=${encodeURIComponent(first.next_cursor!)}`);
    expect(Object.keys(rest.services)).toHaveLength(total - 1000);
    expect(rest.next_cursor).toBeNull();
    const all = new Set([...Object.keys(first.services), ...Object.keys(rest.services)]);
    expect(all.size).toBe(total);
    for (const id of ids) expect(all.has(id)).toBe(true);
    // filtered down to at most 1,000 there is no cursor
    const filtered = await list(s, `q=${prefix}-0`);
    expect(Object.keys(filtered.services)).toHaveLength(1000);
    expect(filtered.next_cursor).toBeNull();
  });
});
