import type pg from "pg";
import { uuidv7 } from "uuidv7";
import { serviceNotFound } from "../core/errors";
import type { Metadata } from "../core/metadata";
import type { HeartbeatInput } from "../core/schemas";
import type { Status } from "../core/status";
import type { Ctx } from "./context";
import { nowOf } from "./context";
import { PRUNE_EVERY } from "./prune-history";
import { perTurn, type Pending } from "./turn-batch";
import { SERVICE_EVENTS_IN_VIEW, toServiceView, withEventsJson, type ServiceView } from "./service-view";

// The common heartbeat on PostgreSQL (the status does not change, no metadata to merge) on Prisma's own pool, with
// group commit: the heartbeats that reach this module in one event-loop turn share one short transaction (lock their
// rows, one statement for the updates, log entries and every-Nth trims, the newest events, COMMIT): five cheap round
// trips for the batch, where the interactive Prisma transaction took seven expensive ones for each heartbeat.
// Anything else goes through recordHeartbeat's Prisma path, and so does a batch that fails before its commit.

// Timestamps are TIMESTAMP(3) holding UTC, as Prisma writes them.
const ISO = `'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'`;

// In id order, so two batches (or instances) locking overlapping services cannot deadlock each other.
const LOCK = `SELECT id, status FROM services WHERE id = ANY($1::text[]) ORDER BY id FOR UPDATE`;

// One row per heartbeat, each service at most once. The trim runs on the statement's snapshot, before this
// heartbeat's entry: hence keep - 2.
const WRITE = `
WITH beat AS (
  SELECT * FROM unnest($1::text[], $2::text[], $3::timestamp[], $4::int[], $5::text[], $6::text[], $7::int[])
    AS b(id, message, at, default_threshold, event_id, status, keep)
), upd AS (
  UPDATE services s SET beat_count = s.beat_count + 1, message = b.message, last_heartbeat = b.at, updated_at = b.at,
         deadline = CASE WHEN s.paused THEN NULL
                         ELSE b.at + make_interval(secs => COALESCE(s.stale_threshold, b.default_threshold)) END
  FROM beat b WHERE s.id = b.id
  RETURNING s.id, s.name, s.metadata, to_char(s.created_at, ${ISO}) AS created_at, s.stale_threshold, s.paused,
            s.beat_count, b.keep
), ins AS (
  INSERT INTO events (id, service_id, type, status, message, at)
  SELECT event_id, id, 'heartbeat', status, message, at FROM beat
), trim AS (
  DELETE FROM events e USING upd
  WHERE upd.beat_count % ${PRUNE_EVERY} = 0 AND e.service_id = upd.id AND e.type = 'heartbeat'
    AND e.id < (SELECT id FROM events WHERE service_id = upd.id AND type = 'heartbeat' ORDER BY id DESC OFFSET upd.keep LIMIT 1)
)
SELECT * FROM upd`;

// The newest events, oldest first, as the JSON text of EventView[] (toEventView's shape, compact like
// JSON.stringify), built by PostgreSQL.
const EVENTS = `
SELECT s.id, (SELECT '[' || coalesce(string_agg(CASE
         WHEN type = 'flip' AND reason IS NOT NULL
           THEN row_to_json((SELECT e FROM (SELECT id, type, ts AS "timestamp", status, message, from_status AS "from", reason) e))
         WHEN type = 'flip'
           THEN row_to_json((SELECT e FROM (SELECT id, type, ts AS "timestamp", status, message, from_status AS "from") e))
         ELSE row_to_json((SELECT e FROM (SELECT id, type, ts AS "timestamp", status, message) e))
       END::text, ',' ORDER BY id), '') || ']' AS events
FROM (SELECT id, type, status, from_status, message, reason, to_char(at, ${ISO}) AS ts FROM events
      WHERE service_id = s.id ORDER BY id DESC LIMIT $2) newest) AS events
FROM unnest($1::text[]) AS s(id)`;

type Updated = {
  id: string;
  name: string;
  metadata: Metadata;
  created_at: string;
  stale_threshold: number | null;
  paused: boolean;
};

type SteadyRequest = { ctx: Ctx; id: string; input: HeartbeatInput; withEvents: boolean };
type Queued = Pending<SteadyRequest, ServiceView | null>;
const batchers = new WeakMap<pg.Pool, (item: Queued) => void>();

/**
 * Records a heartbeat that keeps the service's status and brings no metadata, or answers null without writing
 * anything when the Prisma path must do it. Settles once the write has committed, together with the other
 * heartbeats of this event-loop turn.
 */
export function recordSteadyHeartbeatPg(
  ctx: Ctx,
  pool: pg.Pool,
  request: Omit<SteadyRequest, "ctx">,
): Promise<ServiceView | null> {
  if (request.input.metadata) return Promise.resolve(null);
  let batch = batchers.get(pool);
  if (!batch) {
    batch = perTurn<Queued>((items) => void writeBatches(pool, items));
    batchers.set(pool, batch);
  }
  const enqueue = batch;
  return new Promise((resolve, reject) => enqueue({ request: { ...request, ctx }, resolve, reject }));
}

// A service's second heartbeat in a turn waits for the next batch: one statement updates each row once.
async function writeBatches(pool: pg.Pool, items: Queued[]): Promise<void> {
  const seen = new Set<string>();
  const now: Queued[] = [];
  let later: Queued[] = [];
  for (const item of items) {
    (seen.has(item.request.id) ? later : now).push(item);
    seen.add(item.request.id);
  }
  const prismaPath = await writeBatch(pool, now);
  // Once a heartbeat of a service leaves for the Prisma path, its later ones follow it there instead of being written
  // before it (on that path each takes its own connection: they are applied in the order they get the row lock).
  later = later.filter((item) => !prismaPath.has(item.request.id) || (item.resolve(null), false));
  if (later.length > 0) await writeBatches(pool, later);
}

/** Writes heartbeats to distinct services in one transaction; answers the ids sent to the Prisma path. */
async function writeBatch(pool: pg.Pool, items: Queued[]): Promise<Set<string>> {
  const ids = new Set(items.map((item) => item.request.id));
  let client: pg.PoolClient;
  try {
    client = await pool.connect();
  } catch (error) {
    for (const item of items) item.reject(error);
    return new Set();
  }
  let committing = false;
  try {
    const written = await writeSteady(client, items, () => (committing = true));
    client.release();
    for (const item of items) {
      const outcome = written.get(item.request.id)!;
      if (outcome === "missing") item.reject(serviceNotFound(item.request.id));
      else item.resolve(outcome === "flip" ? null : outcome);
      if (outcome !== "flip") ids.delete(item.request.id);
    }
    return ids;
  } catch (error) {
    // A connection that cannot even roll back is dropped rather than handed back to the pool.
    const broken = await client.query("ROLLBACK").then(
      () => false,
      () => true,
    );
    client.release(broken);
    // Nothing was written before the commit: the Prisma path records them one by one (a deadlock with the monitor's
    // sweep, say). A failed commit may or may not have landed, so those fail rather than risk being recorded twice.
    for (const item of items) committing ? item.reject(error) : item.resolve(null);
    return committing ? new Set() : ids;
  }
}

async function writeSteady(client: pg.PoolClient, items: Queued[], onCommit: () => void) {
  const outcomes = new Map<string, ServiceView | "missing" | "flip">();
  await client.query("BEGIN");
  const locked = await client.query<{ id: string; status: string }>({
    name: "laneswap-heartbeat-lock",
    text: LOCK,
    values: [items.map((item) => item.request.id)],
  });
  const statuses = new Map(locked.rows.map((row) => [row.id, row.status]));
  const steady: (SteadyRequest & { now: Date; eventId: string })[] = [];
  for (const { request } of items) {
    const status = statuses.get(request.id);
    if (status === undefined) outcomes.set(request.id, "missing");
    else if (status !== request.input.status) outcomes.set(request.id, "flip");
    // Read the clock and make the log entry's id only once the rows are locked, as the Prisma path does: heartbeats
    // to one service commit in the order of their timestamps and ids, so the service always shows its newest entry.
    else steady.push({ ...request, now: nowOf(request.ctx), eventId: uuidv7() });
  }
  if (steady.length === 0) {
    onCommit();
    await client.query("COMMIT");
    return outcomes;
  }
  const { rows } = await client.query<Updated>({
    name: "laneswap-heartbeat-write",
    text: WRITE,
    values: [
      steady.map((b) => b.id),
      steady.map((b) => b.input.message ?? null),
      steady.map((b) => b.now.toISOString()),
      steady.map((b) => b.ctx.config.staleThresholdSeconds),
      steady.map((b) => b.eventId),
      steady.map((b) => b.input.status),
      steady.map((b) => Math.max(0, b.ctx.config.historyHeartbeats - 2)),
    ],
  });
  const withEvents = steady.filter((b) => b.withEvents).map((b) => b.id);
  const events = new Map<string, string>();
  if (withEvents.length > 0) {
    const { rows: lists } = await client.query<{ id: string; events: string }>({
      name: "laneswap-service-events",
      text: EVENTS,
      values: [withEvents, SERVICE_EVENTS_IN_VIEW],
    });
    for (const list of lists) events.set(list.id, list.events);
  }
  onCommit();
  await client.query("COMMIT");
  const updated = new Map(rows.map((row) => [row.id, row]));
  for (const b of steady) {
    const row = updated.get(b.id)!;
    const view = toServiceView(b.ctx, {
      id: b.id,
      name: row.name,
      status: b.input.status as Status,
      message: b.input.message ?? null,
      metadata: row.metadata,
      createdAt: new Date(row.created_at),
      updatedAt: b.now,
      lastHeartbeat: b.now,
      staleThreshold: row.stale_threshold,
      paused: row.paused,
    });
    const list = events.get(b.id);
    outcomes.set(b.id, list === undefined ? view : withEventsJson(view, list));
  }
  return outcomes;
}
