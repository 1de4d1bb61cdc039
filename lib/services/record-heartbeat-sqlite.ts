import type BetterSqlite3 from "better-sqlite3";
import { LRUCache } from "lru-cache";
import { v7 as uuidv7 } from "uuid";
import { watchedDeadline } from "../core/deadline";
import { serviceNotFound } from "../core/errors";
import { flipForHeartbeat } from "../core/flip";
import type { HeartbeatInput } from "../core/schemas";
import type { Status } from "../core/status";
import type { Ctx } from "./context";
import { nowOf, thresholdOf } from "./context";
import { heartbeatMetadata } from "./heartbeat-metadata";
import { PRUNE_EVERY } from "./prune-history";
import { perTurn, type Pending } from "./turn-batch";
import { SERVICE_EVENTS_IN_VIEW, toServiceView, withEventsJson, type ServiceView } from "./service-view";

// The common heartbeat (the status does not change) on Prisma's own SQLite connection, with statements prepared
// once, about a tenth of the CPU of the same work through Prisma's query engine; and group commit: the heartbeats
// that reach this module in one event-loop turn are written in one `BEGIN IMMEDIATE` transaction, each in its own
// savepoint, and answered once it commits. A commit writes every page the transaction touched to the WAL (a
// heartbeat touches about eight), so sharing it roughly halves the cost of each (BENCHMARKS.md, heartbeat ingest).
// A heartbeat that flips the status goes through recordHeartbeat's Prisma path, which also writes the flip and its
// notifications; so do those that arrive while a Prisma transaction is open on the connection.

type ServiceRecord = {
  id: string;
  name: string;
  status: string;
  message: string | null;
  metadata: string;
  created_at: string;
  updated_at: string;
  last_heartbeat: string | null;
  stale_threshold: number | null;
  paused: number;
  beat_count: number;
};

type Statements = {
  service: BetterSqlite3.Statement<[string], ServiceRecord>;
  update: BetterSqlite3.Statement<unknown[]>;
  newestEvent: BetterSqlite3.Statement<[string, string], Newest>;
  insertEvent: BetterSqlite3.Statement<unknown[], { json: string; seq: number }>;
  prune: BetterSqlite3.Statement<unknown[]>;
  events: BetterSqlite3.Statement<[string, number], string>;
};

// An events row as the JSON text of its EventView (toEventView's shape, compact like JSON.stringify), built by SQLite.
const TIMESTAMP = `replace(at, '+00:00', 'Z')`;
const EVENT_JSON = `CASE
  WHEN type = 'flip' AND reason IS NOT NULL THEN json_object('id', id, 'type', type, 'timestamp', ${TIMESTAMP},
    'status', status, 'message', message, 'from', from_status, 'reason', reason)
  WHEN type = 'flip' THEN json_object('id', id, 'type', type, 'timestamp', ${TIMESTAMP}, 'status', status,
    'message', message, 'from', from_status)
  ELSE json_object('id', id, 'type', type, 'timestamp', ${TIMESTAMP}, 'status', status, 'message', message)
END`;

function prepareStatements(conn: BetterSqlite3.Database): Statements {
  const s: Statements = {
    service: conn.prepare<[string], ServiceRecord>(
      `SELECT id, name, status, message, metadata, created_at, updated_at, last_heartbeat, stale_threshold, paused,
              beat_count FROM services WHERE id = ?`,
    ),
    update: conn.prepare(
      `UPDATE services SET beat_count = beat_count + 1, message = ?, metadata = ?, last_heartbeat = ?, updated_at = ?,
              deadline = ? WHERE id = ?`,
    ),
    // The newest event by id, and the last one written (rowids grow in commit order; ids from two processes in the
    // same millisecond need not).
    newestEvent: conn.prepare<[string, string], Newest>(
      `SELECT (SELECT id FROM events WHERE service_id = ? ORDER BY id DESC LIMIT 1) AS id,
              (SELECT max(rowid) FROM events WHERE service_id = ?) AS seq`,
    ),
    insertEvent: conn.prepare<unknown[], { json: string; seq: number }>(
      `INSERT INTO events (id, service_id, type, status, message, at) VALUES (?, ?, 'heartbeat', ?, ?, ?)
       RETURNING ${EVENT_JSON} AS json, rowid AS seq`,
    ),
    prune: conn.prepare(
      `DELETE FROM events WHERE service_id = ? AND type = 'heartbeat' AND id < (
         SELECT id FROM events WHERE service_id = ? AND type = 'heartbeat' ORDER BY id DESC LIMIT 1 OFFSET ?)`,
    ),
    // The newest events, oldest first.
    events: conn
      .prepare<[string, number], string>(
        `SELECT ${EVENT_JSON} FROM (SELECT * FROM (
           SELECT id, type, status, from_status, message, reason, at FROM events WHERE service_id = ? ORDER BY id DESC LIMIT ?
         ) ORDER BY id)`,
      )
      .pluck(),
  };
  // Prisma turns on BigInt results for its connection; these statements read small integers.
  for (const statement of Object.values(s)) if (statement.reader) statement.safeIntegers(false);
  return s;
}

// The newest events of the services heartbeating now, as their JSON texts, so a heartbeat appends its own entry
// instead of having SQLite encode a hundred events again (that was three quarters of the cost of a heartbeat with
// the full answer). An entry is used only while the service's newest and last-written events are still the one it
// ends with, so an event written by anything else (a flip, the worker, another process) makes it be read again; a
// trim that can reach the newest events drops it, and entries expire after a minute, which bounds how long a flip
// deleted elsewhere for its age (FLIP_RETENTION_DAYS) can still be shown.
type Newest = { id: string | null; seq: number | null };
type RecentEvents = LRUCache<string, { newest: Newest; json: string[] }>;
const newRecentEvents = (): RecentEvents => new LRUCache({ max: 1_000, ttl: 60_000 });

/** The newest events' JSON text once this heartbeat added its own; `before` was the newest event before it. */
function recentEventsJson(
  s: Statements,
  cache: RecentEvents,
  { id, before, added, trimmed }: { id: string; before: Newest; added: { newest: Newest; json: string }; trimmed: boolean },
): string {
  const entry = cache.get(id);
  if (entry && !trimmed && entry.newest.id === before.id && entry.newest.seq === before.seq) {
    entry.json.push(added.json);
    if (entry.json.length > SERVICE_EVENTS_IN_VIEW) entry.json.shift();
    entry.newest = added.newest;
    return `[${entry.json.join(",")}]`;
  }
  const json = s.events.all(id, SERVICE_EVENTS_IN_VIEW);
  cache.set(id, { newest: added.newest, json });
  return `[${json.join(",")}]`;
}

// Dates are stored the way Prisma's SQLite adapter stores them, so both read and compare each other's rows.
const stored = (d: Date) => d.toISOString().replace("Z", "+00:00");

type SteadyRequest = { ctx: Ctx; id: string; input: HeartbeatInput; withEvents: boolean };
type Queued = Pending<SteadyRequest, ServiceView | null>;
type Outcome = { view: ServiceView | null } | { error: unknown };
type Batcher = (item: Queued) => void;
const batchers = new WeakMap<BetterSqlite3.Database, Batcher>();

/**
 * Records a heartbeat that keeps the service's status, or answers null without writing anything when the Prisma
 * path must do it (the status changes, or a Prisma transaction holds the connection). Settles once the write has
 * committed, together with the other heartbeats of this event-loop turn.
 */
export function recordSteadyHeartbeat(
  ctx: Ctx,
  conn: BetterSqlite3.Database,
  request: Omit<SteadyRequest, "ctx">,
): Promise<ServiceView | null> {
  if (conn.inTransaction) return Promise.resolve(null);
  const batch = batchers.get(conn) ?? batcherFor(conn);
  return new Promise((resolve, reject) => batch({ request: { ...request, ctx }, resolve, reject }));
}

function batcherFor(conn: BetterSqlite3.Database): Batcher {
  // Statements and transaction wrappers are made once per connection.
  const s = prepareStatements(conn);
  const recent = newRecentEvents();
  // Nested in `write`, this runs in a savepoint: a heartbeat that fails leaves no trace and does not fail the others.
  const writeOne = conn.transaction((request: SteadyRequest) => writeSteady(s, recent, request));
  const write = conn.transaction((items: Queued[]): Outcome[] => {
    // Once a heartbeat of a service leaves for the Prisma path, its later ones in this batch follow it there, so
    // they are applied after it.
    const deferred = new Set<string>();
    return items.map(({ request }) => {
      if (deferred.has(request.id)) return { view: null };
      try {
        const view = writeOne(request);
        if (!view) deferred.add(request.id);
        return { view };
      } catch (error) {
        return { error };
      }
    });
  });
  const batch = perTurn<Queued>((items) => {
    // A Prisma transaction opened meanwhile holds the connection: these take the Prisma path and queue behind it.
    if (conn.inTransaction || !conn.open) {
      for (const item of items) item.resolve(null);
      return;
    }
    let outcomes: Outcome[];
    try {
      // IMMEDIATE: take the write lock first, so the reads cannot be overtaken by another process's write.
      outcomes = write.immediate(items);
    } catch (error) {
      // Nothing committed (the commit itself failed, or the lock could not be had): the whole batch fails.
      for (const item of items) item.reject(error);
      return;
    }
    outcomes.forEach((outcome, i) => ("error" in outcome ? items[i].reject(outcome.error) : items[i].resolve(outcome.view)));
  });
  batchers.set(conn, batch);
  return batch;
}

function writeSteady(s: Statements, recent: RecentEvents, { ctx, id, input, withEvents }: SteadyRequest): ServiceView | null {
  const current = s.service.get(id);
  if (!current) throw serviceNotFound(id);
  if (flipForHeartbeat(current.status as Status, input.status)) return null;
  const now = nowOf(ctx);
  const metadataJson = input.metadata
    ? JSON.stringify(heartbeatMetadata(JSON.parse(current.metadata), input.metadata))
    : current.metadata;
  const paused = current.paused === 1;
  const threshold = current.stale_threshold;
  const createdAt = new Date(current.created_at);
  const deadline = watchedDeadline({
    status: input.status,
    paused,
    lastHeartbeat: now,
    createdAt,
    thresholdSeconds: thresholdOf(ctx, threshold),
  });
  const message = input.message ?? null;
  const at = stored(now);
  const before = withEvents ? s.newestEvent.get(id, id)! : null;
  s.update.run(message, metadataJson, at, at, deadline && stored(deadline), id);
  const eventId = uuidv7();
  const added = s.insertEvent.get(eventId, id, input.status, message, at)!;
  const prune = (current.beat_count + 1) % PRUNE_EVERY === 0;
  if (prune) s.prune.run(id, id, ctx.config.historyHeartbeats - 1);
  const view = toServiceView(ctx, {
    id,
    name: current.name,
    status: input.status,
    message,
    metadata: JSON.parse(metadataJson),
    createdAt,
    updatedAt: now,
    lastHeartbeat: now,
    staleThreshold: threshold,
    paused,
  });
  if (!before) return view;
  // A trim keeps the newest HISTORY_HEARTBEATS heartbeats: it reaches the newest events only when that is fewer.
  const trimmed = prune && ctx.config.historyHeartbeats < SERVICE_EVENTS_IN_VIEW;
  const newest = { id: eventId, seq: added.seq };
  return withEventsJson(view, recentEventsJson(s, recent, { id, before, added: { newest, json: added.json }, trimmed }));
}
