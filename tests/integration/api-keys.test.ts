import Database from "better-sqlite3";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ADMIN_KEY, createDatabase, PROVIDERS, startServer, uniqueId, type Provider, type TestServer, serverFleet } from "./harness";

// SPEC section 2, API keys: creating (the key shown once), listing (never the key, with last_used_at), scopes
// read < write < admin on every route, both header forms, revocation taking effect at once.

const ISO_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,6})?Z$/;

type CreatedKey = { id: string; name: string; key: string; scopes: string[]; created_at: string };
type ListedKey = { id: string; name: string; scopes: string[]; created_at: string; last_used_at: string | null };

// Every server this file needs, per provider, started together (and stopped together) to keep the file fast.
const SETUPS = {
  main: {},
  // no LANESWAP_API_KEY: a fresh install that must hand its operator a first key
  freshInstall: { LANESWAP_API_KEY: "" },
} satisfies Record<string, Record<string, string>>;
type Setup = keyof typeof SETUPS;

const server = serverFleet(SETUPS);

/** Every row of the api_keys table, read straight from the server's database. */
async function storedKeyRows(s: TestServer): Promise<unknown[]> {
  if (s.db.provider === "sqlite") {
    const db = new Database(s.db.url.replace(/^file:/, ""), { readonly: true });
    try {
      return db.prepare("SELECT * FROM api_keys").all();
    } finally {
      db.close();
    }
  }
  const client = new pg.Client({ connectionString: s.db.url });
  await client.connect();
  try {
    return (await client.query("SELECT * FROM api_keys")).rows;
  } finally {
    await client.end();
  }
}

async function createKey(s: TestServer, scopes: unknown, name = uniqueId("key")): Promise<CreatedKey> {
  const res = await s.api("/api/keys", { method: "POST", json: { name, scopes } });
  expect(res.status, await res.clone().text()).toBe(201);
  return res.json();
}

async function listKeys(s: TestServer): Promise<{ text: string; keys: ListedKey[] }> {
  const res = await s.api("/api/keys");
  expect(res.status).toBe(200);
  const text = await res.text();
  return { text, keys: (JSON.parse(text) as { keys: ListedKey[] }).keys };
}

async function expectError(res: Response, status: number) {
  const text = await res.text();
  expect(res.status, text).toBe(status);
  const body = JSON.parse(text);
  expect(typeof body.detail).toBe("string");
  expect(body.error.message).toBe(body.detail);
  expect(typeof body.error.code).toBe("string");
  return body;
}

async function register(s: TestServer, key: string = ADMIN_KEY): Promise<string> {
  const id = uniqueId();
  const res = await s.api("/api/services", { method: "POST", json: { service_name: "Keyed", service_id: id }, key });
  expect(res.status, await res.clone().text()).toBe(200);
  return id;
}

/** Every REST operation, as [label, request with the given key]. */
function operations(s: TestServer, id: string) {
  return {
    list: (key: string) => s.api("/api/services", { key }),
    get: (key: string) => s.api(`/api/services/${id}`, { key }),
    events: (key: string) => s.api(`/api/services/${id}/events`, { key }),
    register: (key: string) => s.api("/api/services", { method: "POST", json: { service_name: "Again", service_id: id }, key }),
    heartbeat: (key: string) => s.api(`/api/services/${id}/heartbeat`, { method: "POST", json: { status: "healthy" }, key }),
    patch: (key: string) => s.api(`/api/services/${id}`, { method: "PATCH", json: { paused: false }, key }),
    listKeys: (key: string) => s.api("/api/keys", { key }),
    createKey: (key: string) => s.api("/api/keys", { method: "POST", json: { name: uniqueId("k"), scopes: ["read"] }, key }),
    revokeKey: (key: string) => s.api(`/api/keys/${uniqueId("no-such-key")}`, { method: "DELETE", key }),
    delete: (key: string) => s.api(`/api/services/${id}`, { method: "DELETE", key }),
  };
}
type Op = keyof ReturnType<typeof operations>;

async function statuses(s: TestServer, id: string, key: string, ops: Op[]): Promise<Record<string, number>> {
  const all = operations(s, id);
  const out: Record<string, number> = {};
  for (const op of ops) {
    const res = await all[op](key);
    out[op] = res.status;
    await res.body?.cancel();
  }
  return out;
}

describe.each(PROVIDERS)("API keys on %s", (provider) => {
  const s = () => server("main", provider);

  it("POST /api/keys answers 201 with id, name, key, scopes and created_at", async () => {
    const t0 = Date.now();
    const res = await s().api("/api/keys", { method: "POST", json: { name: "ci runner", scopes: ["read", "write"] } });
    expect(res.status).toBe(201);
    const body = (await res.json()) as CreatedKey;
    expect(body).toMatchObject({ name: "ci runner", scopes: ["read", "write"] });
    expect(typeof body.id).toBe("string");
    expect(body.id.length).toBeGreaterThan(0);
    expect(typeof body.key).toBe("string");
    expect(body.key.length).toBeGreaterThanOrEqual(32);
    expect(body.created_at).toMatch(ISO_UTC);
    expect(Math.abs(Date.parse(body.created_at) - t0)).toBeLessThan(60_000);
    // the key works at once
    expect((await s().api("/api/services?limit=1", { key: body.key })).status).toBe(200);
    // every key is different
    const other = await createKey(s(), ["read", "write"], "ci runner");
    expect(other.key).not.toBe(body.key);
    expect(other.id).not.toBe(body.id);
  });

  it("GET /api/keys lists the keys without ever returning the key itself", async () => {
    const created = await createKey(s(), ["admin"]);
    const { text, keys } = await listKeys(s());
    expect(text).not.toContain(created.key);
    const listed = keys.find((k) => k.id === created.id)!;
    expect(listed).toBeDefined();
    expect(listed).toMatchObject({ id: created.id, name: created.name, scopes: ["admin"], created_at: created.created_at });
    expect(listed).toHaveProperty("last_used_at");
    expect(listed).not.toHaveProperty("key");
    expect(listed).not.toHaveProperty("hash");
    for (const k of keys) {
      expect(Object.keys(k)).toEqual(expect.arrayContaining(["id", "name", "scopes", "created_at", "last_used_at"]));
      expect(k.created_at).toMatch(ISO_UTC);
    }
    // nor does any later answer to the key's own requests
    const self = await s().api("/api/keys", { key: created.key });
    expect(self.status).toBe(200);
    expect(await self.text()).not.toContain(created.key);
  });

  it("keys are stored hashed: the database never holds the key itself", async () => {
    const created = await createKey(s(), ["write"]);
    expect((await s().api("/api/services?limit=1", { key: created.key })).status).toBe(200);
    const rows = await storedKeyRows(s());
    expect(rows.length).toBeGreaterThan(0);
    const dump = JSON.stringify(rows);
    expect(dump).toContain(created.id);
    expect(dump).not.toContain(created.key);
    // nor the secret part of it in another encoding
    expect(dump).not.toContain(Buffer.from(created.key).toString("base64"));
    expect(dump).not.toContain(Buffer.from(created.key).toString("hex"));
  });

  it("last_used_at is null until the key is used, then set", async () => {
    const created = await createKey(s(), ["read"]);
    expect((await listKeys(s())).keys.find((k) => k.id === created.id)!.last_used_at).toBeNull();
    const t0 = Date.now();
    expect((await s().api("/api/services?limit=1", { key: created.key })).status).toBe(200);
    const used = (await listKeys(s())).keys.find((k) => k.id === created.id)!;
    expect(used.last_used_at).toMatch(ISO_UTC);
    expect(Date.parse(used.last_used_at!)).toBeGreaterThanOrEqual(Date.parse(created.created_at));
    expect(Math.abs(Date.parse(used.last_used_at!) - t0)).toBeLessThan(60_000);
    // a key that was never used stays null
    const idle = await createKey(s(), ["read"]);
    expect((await listKeys(s())).keys.find((k) => k.id === idle.id)!.last_used_at).toBeNull();
  });

  it("a read key can read but not write or administer", async () => {
    const { key } = await createKey(s(), ["read"]);
    const id = await register(s());
    const got = await statuses(s(), id, key, ["list", "get", "events"]);
    expect(got).toEqual({ list: 200, get: 200, events: 200 });
    const denied = await statuses(s(), id, key, ["heartbeat", "register", "patch", "delete", "listKeys", "createKey", "revokeKey"]);
    expect(denied).toEqual({ heartbeat: 403, register: 403, patch: 403, delete: 403, listKeys: 403, createKey: 403, revokeKey: 403 });
    await expectError(await operations(s(), id).heartbeat(key), 403);
    const svc = await (await s().api(`/api/services/${id}`)).json();
    expect(svc.status).toBe("unknown");
    expect(svc.name).toBe("Keyed");
  });

  it("a write key can register, beat, patch and read, but not delete services or manage keys", async () => {
    const { key } = await createKey(s(), ["write"]);
    const id = await register(s(), key);
    const allowed = await statuses(s(), id, key, ["register", "heartbeat", "patch", "get", "list", "events"]);
    expect(allowed).toEqual({ register: 200, heartbeat: 200, patch: 200, get: 200, list: 200, events: 200 });
    const denied = await statuses(s(), id, key, ["delete", "listKeys", "createKey", "revokeKey"]);
    expect(denied).toEqual({ delete: 403, listKeys: 403, createKey: 403, revokeKey: 403 });
    await expectError(await operations(s(), id).delete(key), 403);
    const svc = await (await s().api(`/api/services/${id}`)).json();
    expect(svc).toMatchObject({ name: "Again", status: "healthy" });
  });

  it("an admin key can do everything", async () => {
    const { key } = await createKey(s(), ["admin"]);
    const id = await register(s(), key);
    const got = await statuses(s(), id, key, ["register", "heartbeat", "patch", "get", "list", "events", "listKeys", "createKey"]);
    expect(got).toEqual({ register: 200, heartbeat: 200, patch: 200, get: 200, list: 200, events: 200, listKeys: 200, createKey: 201 });
    // an unknown key id: allowed, and not found
    expect((await operations(s(), id).revokeKey(key)).status).toBe(404);
    expect((await operations(s(), id).delete(key)).status).toBe(204);
    const victim = await createKey(s(), ["read"]);
    expect((await s().api(`/api/keys/${victim.id}`, { method: "DELETE", key })).status).toBe(204);
    // the LANESWAP_API_KEY from the environment is an admin key too
    const id2 = await register(s());
    expect((await s().api(`/api/services/${id2}`, { method: "DELETE", key: ADMIN_KEY })).status).toBe(204);
  });

  it("a key with several scopes has the union of them", async () => {
    const { key } = await createKey(s(), ["read", "write"]);
    const id = await register(s(), key);
    expect(await statuses(s(), id, key, ["heartbeat", "get", "delete", "listKeys"])).toEqual({
      heartbeat: 200,
      get: 200,
      delete: 403,
      listKeys: 403,
    });
  });

  it("both header forms work, for created keys and LANESWAP_API_KEY", async () => {
    const { key } = await createKey(s(), ["write"]);
    const id = await register(s());
    for (const k of [key, ADMIN_KEY]) {
      const bearer = await s().api(`/api/services/${id}/heartbeat`, { method: "POST", json: {}, key: null, headers: { authorization: `Bearer ${k}` } });
      expect(bearer.status).toBe(200);
      const xApiKey = await s().api(`/api/services/${id}/heartbeat`, { method: "POST", json: {}, key: null, headers: { "x-api-key": k } });
      expect(xApiKey.status).toBe(200);
    }
    // the scheme is case-insensitive
    const lower = await s().api(`/api/services/${id}`, { key: null, headers: { authorization: `bearer ${key}` } });
    expect(lower.status).toBe(200);
    const events = await (await s().api(`/api/services/${id}/events`)).json();
    expect(events.events.filter((e: { type: string }) => e.type === "heartbeat")).toHaveLength(4);
  });

  it("DELETE /api/keys/{id} answers 204 and the key gets 401 on the very next request", async () => {
    const created = await createKey(s(), ["admin"]);
    const id = await register(s());
    // used just before: whatever is cached about it must not outlive the revocation
    expect((await s().api(`/api/services/${id}`, { key: created.key })).status).toBe(200);
    expect((await s().api(`/api/services/${id}`, { key: null, headers: { "x-api-key": created.key } })).status).toBe(200);
    const res = await s().api(`/api/keys/${created.id}`, { method: "DELETE" });
    expect(res.status).toBe(204);
    expect(await res.text()).toBe("");
    await expectError(await s().api(`/api/services/${id}`, { key: created.key }), 401);
    await expectError(await s().api(`/api/services/${id}/heartbeat`, { method: "POST", json: {}, key: null, headers: { "x-api-key": created.key } }), 401);
    const { keys } = await listKeys(s());
    expect(keys.find((k) => k.id === created.id)).toBeUndefined();
    // revoking it again: not found
    await expectError(await s().api(`/api/keys/${created.id}`, { method: "DELETE" }), 404);
  });

  it("a key can revoke itself, and is refused right after", async () => {
    const created = await createKey(s(), ["admin"]);
    expect((await s().api(`/api/keys/${created.id}`, { method: "DELETE", key: created.key })).status).toBe(204);
    await expectError(await s().api("/api/keys", { key: created.key }), 401);
  });

  it("DELETE of an unknown key answers 404", async () => {
    const before = (await listKeys(s())).keys;
    await expectError(await s().api(`/api/keys/${uniqueId("nope")}`, { method: "DELETE" }), 404);
    await expectError(await s().api("/api/keys/00000000-0000-4000-8000-000000000000", { method: "DELETE" }), 404);
    expect((await listKeys(s())).keys).toEqual(before);
  });

  it("invalid scopes or names answer 422 and create nothing", async () => {
    const before = (await listKeys(s())).keys;
    for (const json of [
      { name: "bad", scopes: ["superuser"] },
      { name: "bad", scopes: ["read", "root"] },
      { name: "bad", scopes: [] },
      { name: "bad", scopes: "admin" },
      { name: "bad", scopes: [1] },
      { name: "bad" },
      { name: "", scopes: ["read"] },
      { scopes: ["read"] },
    ]) {
      const body = await expectError(await s().api("/api/keys", { method: "POST", json }), 422);
      expect(body.error.fields).toBeTypeOf("object");
    }
    expect((await listKeys(s())).keys).toEqual(before);
  });
});

describe.each(PROVIDERS)("a fresh install without LANESWAP_API_KEY on %s", (provider) => {
  let s: TestServer;
  beforeAll(() => {
    s = server("freshInstall", provider);
  });

  it("prints a first admin key once, which works in both header forms", async () => {
    // the server prints it while starting; give the output a moment to arrive if it has not yet
    let match: RegExpMatchArray | null = null;
    for (let i = 0; i < 100 && !match; i++) {
      match = s.output().match(/\b(lsk_[A-Za-z0-9_-]{20,})/);
      if (!match) await new Promise((r) => setTimeout(r, 50));
    }
    expect(match, s.output()).not.toBeNull();
    const firstKey = match![1];
    // the environment's admin key of the other servers is not accepted here
    expect((await s.api("/api/keys")).status).toBe(401);
    const res = await s.api("/api/keys", { key: firstKey });
    expect(res.status).toBe(200);
    const text = await res.text();
    expect(text).not.toContain(firstKey);
    const { keys } = JSON.parse(text) as { keys: ListedKey[] };
    expect(keys).toHaveLength(1);
    expect(keys[0].scopes).toEqual(["admin"]);
    expect((await s.api("/api/services", { key: null, headers: { "x-api-key": firstKey } })).status).toBe(200);
    // the output also says how to use it
    expect(s.output()).toMatch(/Authorization: Bearer/);
    expect(s.output()).toMatch(/X-API-Key/);
  });

  it("a restart does not print or create another key", async () => {
    const before = s.output();
    await s.stop();
    await s.restart();
    const after = s.output().slice(before.length);
    expect(after).not.toMatch(/\blsk_[A-Za-z0-9_-]{20,}/);
    const firstKey = before.match(/\b(lsk_[A-Za-z0-9_-]{20,})/)![1];
    const res = await s.api("/api/keys", { key: firstKey });
    expect(res.status).toBe(200);
    expect(((await res.json()) as { keys: ListedKey[] }).keys).toHaveLength(1);
  });
});
