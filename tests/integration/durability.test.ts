import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PROVIDERS, createDatabase, startServer, uniqueId, type TestServer } from "./harness";

// What the server acknowledged, it keeps: a heartbeat answered 200 is in the database even when the process is
// killed (SIGKILL, no shutdown) right after, and a kill in the middle of heartbeats leaves no half-recorded one.

type EventView = { id: string; type: "heartbeat" | "flip"; timestamp: string; status: string; message: string | null; from?: string; reason?: string };
type ServiceView = { id: string; status: string; message: string | null; last_heartbeat: string | null };

const STATUSES = ["healthy", "healthy", "warning", "healthy", "error"] as const;

/** Every event of the service, newest first, following next_cursor page by page. */
async function allEvents(server: TestServer, id: string): Promise<EventView[]> {
  const events: EventView[] = [];
  let before: string | null = null;
  for (let page = 0; page < 1000; page++) {
    const query = new URLSearchParams({ limit: "37", ...(before ? { before } : {}) });
    const res = await server.api(`/api/services/${id}/events?${query}`);
    expect(res.status).toBe(200);
    const body = (await res.json()) as { events: EventView[]; next_cursor: string | null };
    events.push(...body.events);
    if (!body.next_cursor) return events;
    expect(body.next_cursor).toBe(body.events.at(-1)!.id);
    before = body.next_cursor;
  }
  throw new Error("the events endpoint never ran out of pages");
}

async function getService(server: TestServer, id: string): Promise<ServiceView> {
  const res = await server.api(`/api/services/${id}`);
  expect(res.status).toBe(200);
  return (await res.json()) as ServiceView;
}

async function register(server: TestServer, name: string): Promise<string> {
  const id = uniqueId(name);
  const res = await server.api("/api/services", { method: "POST", json: { service_name: name, service_id: id } });
  expect(res.status).toBe(200);
  return id;
}

async function pollUntil(condition: () => boolean, what: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/**
 * The invariants of a service and its log, whatever was interrupted: each heartbeat was written together with the
 * service row (so the service's last heartbeat is at least as new as every logged one, and the newest logged one
 * is the service's current state), and each flip together with its heartbeat.
 */
function expectConsistent(service: ServiceView, events: EventView[], sent: Set<string>): void {
  const beats = events.filter((e) => e.type === "heartbeat");
  expect(beats.length).toBeGreaterThan(0);
  // Newest first, no event twice, nothing that was not sent.
  expect(new Set(events.map((e) => e.id)).size).toBe(events.length);
  expect(events.map((e) => e.id)).toEqual([...events.map((e) => e.id)].sort().reverse());
  for (const e of beats) expect(sent.has(e.message!), `unexpected heartbeat ${e.message}`).toBe(true);

  expect(service.last_heartbeat).not.toBeNull();
  const newest = beats[0];
  expect({ message: service.message, status: service.status, last_heartbeat: service.last_heartbeat }).toEqual({
    message: newest.message,
    status: newest.status,
    last_heartbeat: newest.timestamp,
  });

  const beatKeys = new Set(beats.map((e) => `${e.timestamp}|${e.message}|${e.status}`));
  for (const flip of events.filter((e) => e.type === "flip")) {
    expect(beatKeys.has(`${flip.timestamp}|${flip.message}|${flip.status}`), `flip ${flip.id} without its heartbeat`).toBe(true);
  }

  // Checked last, so a failure here says the invariants above held.
  const last = Date.parse(service.last_heartbeat!);
  const behind = beats.filter((e) => Date.parse(e.timestamp) > last);
  expect(
    behind.map((e) => `${e.message} at ${e.timestamp}`),
    `heartbeats newer than the service's last_heartbeat ${service.last_heartbeat}`,
  ).toEqual([]);
}

describe.each(PROVIDERS)("durability on %s", (provider) => {
  let server: TestServer;
  beforeAll(async () => {
    const db = await createDatabase(provider);
    server = await startServer(db, { HISTORY_HEARTBEATS: "1000" });
  });
  afterAll(async () => {
    await server?.stop();
    await server?.db.drop();
  });

  it("every acknowledged heartbeat survives kill -9 right after it was acknowledged", async () => {
    const id = await register(server, "durable");
    const N = 200;
    const sent = new Set<string>();
    const acknowledged: string[] = [];
    const failures: string[] = [];
    const beat = async (i: number) => {
      const message = `beat ${i} of ${id} — ✓`;
      sent.add(message);
      const res = await server.api(`/api/services/${id}/heartbeat`, {
        method: "POST",
        json: { status: STATUSES[i % STATUSES.length], message },
      });
      const body = await res.text();
      if (res.status === 200) acknowledged.push(message);
      else failures.push(`heartbeat ${i}: ${res.status} ${body}`);
    };
    // One after another, then in concurrent waves.
    for (let i = 0; i < 50; i++) await beat(i);
    for (let i = 50; i < N; i += 30) await Promise.all(Array.from({ length: Math.min(30, N - i) }, (_, k) => beat(i + k)));
    expect(failures).toEqual([]);
    expect(acknowledged).toHaveLength(N);

    await server.kill();
    await server.restart();

    const events = await allEvents(server, id);
    const logged = events.filter((e) => e.type === "heartbeat").map((e) => e.message!);
    const missing = acknowledged.filter((m) => !logged.includes(m));
    expect(missing, "acknowledged heartbeats lost by the kill").toEqual([]);
    expect(new Set(logged).size).toBe(logged.length);
    expect(logged).toHaveLength(N);
    expectConsistent(await getService(server, id), events, sent);
  });

  it("concurrent heartbeats to one service never leave its last_heartbeat behind a logged heartbeat", async () => {
    // The invariant expectConsistent ends with, checked after each of several waves so a race has many chances
    // to show.
    const id = await register(server, "waves");
    const violations: string[] = [];
    for (let wave = 0; wave < 8; wave++) {
      await Promise.all(
        Array.from({ length: 25 }, async (_, k) => {
          const res = await server.api(`/api/services/${id}/heartbeat`, { method: "POST", json: { message: `wave ${wave} beat ${k}` } });
          expect(res.status).toBe(200);
          await res.text();
        }),
      );
      const service = await getService(server, id);
      const res = await server.api(`/api/services/${id}/events?limit=100`);
      const { events } = (await res.json()) as { events: EventView[] };
      const last = Date.parse(service.last_heartbeat!);
      for (const e of events.filter((e) => e.type === "heartbeat" && Date.parse(e.timestamp) > last)) {
        violations.push(`wave ${wave}: last_heartbeat ${service.last_heartbeat} (from "${service.message}") < "${e.message}" at ${e.timestamp}`);
      }
    }
    expect(violations).toEqual([]);
  });

  it("a kill while heartbeats are in flight loses no acknowledged one and leaves no partial state", async () => {
    const id = await register(server, "inflight");
    const sent = new Set<string>();
    const acknowledged: string[] = [];
    const failures: string[] = [];
    let stop = false;
    let inFlight = 0;
    let counter = 0;
    const worker = async () => {
      while (!stop) {
        const i = counter++;
        const message = `inflight ${i} of ${id}`;
        sent.add(message);
        inFlight++;
        try {
          const res = await server.api(`/api/services/${id}/heartbeat`, {
            method: "POST",
            json: { status: STATUSES[i % STATUSES.length], message },
          });
          const body = await res.text();
          if (res.status === 200) acknowledged.push(message);
          else if (!stop) failures.push(`heartbeat ${i}: ${res.status} ${body}`);
        } catch {
          // The connection died with the server; this one was not acknowledged.
        } finally {
          inFlight--;
        }
      }
    };
    const workers = Array.from({ length: 8 }, () => worker());
    await pollUntil(() => acknowledged.length >= 60 || failures.length > 0, "60 acknowledged heartbeats");
    const inFlightAtKill = inFlight;
    const killed = server.kill();
    stop = true;
    await killed;
    const acknowledgedBeforeKill = [...acknowledged];
    await Promise.all(workers);
    expect(failures).toEqual([]);
    expect(inFlightAtKill).toBeGreaterThan(0);

    await server.restart();
    const events = await allEvents(server, id);
    const logged = new Set(events.filter((e) => e.type === "heartbeat").map((e) => e.message!));
    expect(acknowledged.filter((m) => !logged.has(m)), "acknowledged heartbeats lost by the kill").toEqual([]);
    expect(acknowledged.length).toBeGreaterThanOrEqual(acknowledgedBeforeKill.length);
    expectConsistent(await getService(server, id), events, sent);

    // The restarted server goes on from that state.
    const res = await server.api(`/api/services/${id}/heartbeat`, { method: "POST", json: { status: "healthy", message: "after restart" } });
    expect(res.status).toBe(200);
    expect(((await res.json()) as { message: string }).message).toBe("after restart");
  });
});
