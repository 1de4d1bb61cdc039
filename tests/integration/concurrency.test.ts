import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PROVIDERS, startServers, uniqueId, type TestServer } from "./harness";

// Many clients at once: no heartbeat, flip or metadata merge is lost, and idempotent registration stays
// idempotent, on SQLite and PostgreSQL. HISTORY_HEARTBEATS stays at its default (100), above the beats per service.

type Ev = { type: string; status: string; message: string | null; from?: string; timestamp: string };

let servers: Awaited<ReturnType<typeof startServers>>;
beforeAll(async () => {
  servers = await startServers(PROVIDERS);
});
afterAll(async () => servers?.stopAll());

/** Runs the tasks with at most `width` in flight at once; answers their results in order. */
async function inBatches<T>(tasks: (() => Promise<T>)[], width: number): Promise<T[]> {
  const out: T[] = [];
  for (let i = 0; i < tasks.length; i += width) out.push(...(await Promise.all(tasks.slice(i, i + width).map((t) => t()))));
  return out;
}

async function register(s: TestServer, id: string, metadata?: Record<string, unknown>) {
  const res = await s.api("/api/services", { method: "POST", json: { service_name: `Concurrent ${id}`, service_id: id, metadata } });
  expect(res.status, await res.clone().text()).toBe(200);
}

async function allEvents(s: TestServer, id: string): Promise<Ev[]> {
  const res = await s.api(`/api/services/${id}/events?limit=1000`);
  expect(res.status).toBe(200);
  const body = (await res.json()) as { events: Ev[]; next_cursor: string | null };
  expect(body.next_cursor).toBeNull();
  return body.events;
}

/** Some deterministic shuffling, so beats to one service are spread across batches. */
function interleave<T>(items: T[], stride: number): T[] {
  const out: T[] = [];
  for (let start = 0; start < stride; start++) for (let i = start; i < items.length; i += stride) out.push(items[i]);
  return out;
}

describe.each(PROVIDERS)("concurrency on %s", (provider) => {
  const s = () => servers.get(provider);

  it("400 concurrent heartbeats to 50 services are all recorded", async () => {
    const prefix = uniqueId("conc");
    const ids = Array.from({ length: 50 }, (_, i) => `${prefix}-${String(i).padStart(2, "0")}`);
    await inBatches(ids.map((id) => () => register(s(), id)), 50);
    const beats = ids.flatMap((id) => Array.from({ length: 8 }, (_, n) => ({ id, n })));
    const results = await inBatches(
      interleave(beats, 7).map(({ id, n }) => async () => {
        const res = await s().api(`/api/services/${id}/heartbeat`, {
          method: "POST",
          json: { status: "healthy", message: `beat ${n}`, metadata: { [`beat_${n}`]: n } },
        });
        const text = await res.text();
        return { status: res.status, text };
      }),
      100,
    );
    const failures = results.filter((r) => r.status !== 200);
    expect(failures.slice(0, 3), `${failures.length} of 400 failed`).toEqual([]);

    const list = await (await s().api(`/api/services?q=${prefix}`)).json();
    expect(Object.keys(list.services).sort()).toEqual(ids);
    await inBatches(
      ids.map((id) => async () => {
        const events = await allEvents(s(), id);
        const heartbeats = events.filter((e) => e.type === "heartbeat");
        expect(heartbeats.map((e) => e.message).sort(), id).toEqual(Array.from({ length: 8 }, (_, n) => `beat ${n}`));
        // exactly one flip: the first heartbeat's unknown → healthy
        const flips = events.filter((e) => e.type === "flip");
        expect(flips.map((e) => `${e.from}>${e.status}`), id).toEqual(["unknown>healthy"]);
        const svc = list.services[id];
        expect(svc.status).toBe("healthy");
        expect(svc.last_heartbeat).toBe(heartbeats[0].timestamp);
        expect(svc.message).toBe(heartbeats[0].message);
        // every heartbeat's metadata key was merged
        expect(svc.metadata).toEqual(Object.fromEntries(Array.from({ length: 8 }, (_, n) => [`beat_${n}`, n])));
      }),
      25,
    );
  });

  it("concurrent heartbeats to one service merge every metadata key (no lost merge)", async () => {
    const id = uniqueId();
    await register(s(), id, { origin: "registration" });
    const n = 60;
    const results = await Promise.all(
      Array.from({ length: n }, (_, i) =>
        s().api(`/api/services/${id}/heartbeat`, { method: "POST", json: { metadata: { [`k${i}`]: i, last: i } } }).then(async (r) => ({
          status: r.status,
          text: await r.text(),
        })),
      ),
    );
    expect(results.filter((r) => r.status !== 200).slice(0, 3)).toEqual([]);
    const svc = await (await s().api(`/api/services/${id}`)).json();
    const expected: Record<string, unknown> = { origin: "registration" };
    for (let i = 0; i < n; i++) expected[`k${i}`] = i;
    const { last, ...rest } = svc.metadata;
    expect(rest).toEqual(expected);
    expect(Number.isInteger(last)).toBe(true);
    const events = await allEvents(s(), id);
    expect(events.filter((e) => e.type === "heartbeat")).toHaveLength(n);
    expect(events.filter((e) => e.type === "flip")).toHaveLength(1);
  });

  it("concurrent heartbeats with changing statuses record a consistent chain of flips", async () => {
    const id = uniqueId();
    await register(s(), id);
    const statuses = ["healthy", "warning", "error", "degraded", "busy"];
    const n = 50;
    const results = await Promise.all(
      Array.from({ length: n }, (_, i) =>
        s()
          .api(`/api/services/${id}/heartbeat`, { method: "POST", json: { status: statuses[(i * 7) % statuses.length], message: `m${i}` } })
          .then((r) => r.status),
      ),
    );
    expect(results).toEqual(Array(n).fill(200));
    const events = (await allEvents(s(), id)).reverse(); // oldest first
    expect(events.filter((e) => e.type === "heartbeat")).toHaveLength(n);
    // replaying the log: a flip follows a heartbeat exactly when it changed the status, from the previous one
    let current = "unknown";
    for (let i = 0; i < events.length; i++) {
      const e = events[i];
      expect(e.type, `event ${i}`).toBe("heartbeat");
      const next = events[i + 1];
      if (e.status !== current) {
        expect(next, `flip after event ${i}`).toMatchObject({ type: "flip", from: current, status: e.status, message: e.message });
        i++;
      } else if (next) {
        expect(next.type, `no flip after event ${i}`).toBe("heartbeat");
      }
      current = e.status;
    }
    const svc = await (await s().api(`/api/services/${id}`)).json();
    expect(svc.status).toBe(current);
    expect(svc.message).toBe(events.filter((e) => e.type === "heartbeat").at(-1)!.message);
  });

  it("concurrent registrations of one new service_id all answer 200 and merge their metadata", async () => {
    const id = uniqueId();
    const n = 20;
    const results = await Promise.all(
      Array.from({ length: n }, (_, i) =>
        s()
          .api("/api/services", { method: "POST", json: { service_name: `Racer ${i}`, service_id: id, metadata: { [`r${i}`]: i } } })
          .then(async (r) => ({ status: r.status, body: await r.text() })),
      ),
    );
    expect(results.filter((r) => r.status !== 200).slice(0, 3)).toEqual([]);
    for (const r of results) expect(JSON.parse(r.body)).toEqual({ service_id: id });
    const svc = await (await s().api(`/api/services/${id}`)).json();
    expect(svc.metadata).toEqual(Object.fromEntries(Array.from({ length: n }, (_, i) => [`r${i}`, i])));
    expect(svc.name).toMatch(/^Racer \d+$/);
    const list = await (await s().api(`/api/services?q=${id}`)).json();
    expect(Object.keys(list.services)).toEqual([id]);
  });

  it("concurrent registrations, heartbeats and reads of many services all succeed", async () => {
    const prefix = uniqueId("mix");
    const ids = Array.from({ length: 30 }, (_, i) => `${prefix}-${i}`);
    await inBatches(ids.map((id) => () => register(s(), id)), 30);
    const tasks = ids.flatMap((id) => [
      () => s().api(`/api/services/${id}/heartbeat`, { method: "POST", json: { status: "warning" } }).then((r) => r.status),
      () => s().api("/api/services", { method: "POST", json: { service_name: `Renamed ${id}`, service_id: id } }).then((r) => r.status),
      () => s().api(`/api/services/${id}`).then((r) => r.status),
      () => s().api(`/api/services?q=${prefix}&limit=5`).then((r) => r.status),
    ]);
    const got = await inBatches(interleave(tasks, 5), 100);
    expect(got).toEqual(Array(tasks.length).fill(200));
    const list = await (await s().api(`/api/services?q=${prefix}`)).json();
    for (const id of ids) expect(list.services[id]).toMatchObject({ name: `Renamed ${id}`, status: "warning" });
  });
});
