import type BetterSqlite3 from "better-sqlite3";
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
import { SERVICE_EVENTS_IN_VIEW, toServiceView, withEventsJson, type ServiceView } from "./service-view";

// The common heartbeat (the status does not change) in one synchronous SQLite transaction on Prisma's own
// connection, with statements prepared once: about a tenth of the CPU of the same work through Prisma's query
// engine (BENCHMARKS.md, heartbeat ingest).
// A heartbeat that flips the status goes through recordHeartbeat's Prisma path, which also writes the flip and its
// notifications; so does any heartbeat that arrives while a Prisma transaction is open on the connection.

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
  insertEvent: BetterSqlite3.Statement<unknown[]>;
  prune: BetterSqlite3.Statement<unknown[]>;
  events: BetterSqlite3.Statement<[string, number], { events: string }>;
};

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
    insertEvent: conn.prepare(
      `INSERT INTO events (id, service_id, type, status, message, at) VALUES (?, ?, 'heartbeat', ?, ?, ?)`,
    ),
    prune: conn.prepare(
      `DELETE FROM events WHERE service_id = ? AND type = 'heartbeat' AND id < (
         SELECT id FROM events WHERE service_id = ? AND type = 'heartbeat' ORDER BY id DESC LIMIT 1 OFFSET ?)`,
    ),
    // The newest events, oldest first, as the JSON text of EventView[] (toEventView's shape), built by SQLite.
    events: conn.prepare<[string, number], { events: string }>(
      `SELECT coalesce(json_group_array(json(CASE
           WHEN type = 'flip' AND reason IS NOT NULL THEN json_object('id', id, 'type', type, 'timestamp', ts,
             'status', status, 'message', message, 'from', from_status, 'reason', reason)
           WHEN type = 'flip' THEN json_object('id', id, 'type', type, 'timestamp', ts, 'status', status,
             'message', message, 'from', from_status)
           ELSE json_object('id', id, 'type', type, 'timestamp', ts, 'status', status, 'message', message)
         END)), '[]') AS events
       FROM (SELECT * FROM (SELECT id, type, status, from_status, message, reason, replace(at, '+00:00', 'Z') AS ts
                            FROM events WHERE service_id = ? ORDER BY id DESC LIMIT ?) ORDER BY id)`,
    ),
  };
  // Prisma turns on BigInt results for its connection; these statements read small integers.
  for (const statement of Object.values(s)) if (statement.reader) statement.safeIntegers(false);
  return s;
}

// Dates are stored the way Prisma's SQLite adapter stores them, so both read and compare each other's rows.
const stored = (d: Date) => d.toISOString().replace("Z", "+00:00");

type SteadyRequest = { id: string; input: HeartbeatInput; withEvents: boolean };
type SteadyWrite = BetterSqlite3.Transaction<(ctx: Ctx, request: SteadyRequest) => ServiceView | null>;
const writers = new WeakMap<BetterSqlite3.Database, SteadyWrite>();

/**
 * Records a heartbeat that keeps the service's status, or returns null without writing anything when the Prisma
 * path must do it (the status changes, or a Prisma transaction holds the connection).
 */
export function recordSteadyHeartbeat(ctx: Ctx, conn: BetterSqlite3.Database, request: SteadyRequest): ServiceView | null {
  if (conn.inTransaction) return null;
  let write = writers.get(conn);
  if (!write) {
    // Statements and the transaction wrapper are made once per connection.
    const s = prepareStatements(conn);
    write = conn.transaction((c: Ctx, r: SteadyRequest) => writeSteady(s, c, r));
    writers.set(conn, write);
  }
  // IMMEDIATE: take the write lock first, so the read below cannot be overtaken by another process's write.
  return write.immediate(ctx, request);
}

function writeSteady(s: Statements, ctx: Ctx, { id, input, withEvents }: SteadyRequest): ServiceView | null {
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
  s.update.run(message, metadataJson, at, at, deadline && stored(deadline), id);
  s.insertEvent.run(uuidv7(), id, input.status, message, at);
  if ((current.beat_count + 1) % PRUNE_EVERY === 0) s.prune.run(id, id, ctx.config.historyHeartbeats - 1);
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
  return withEvents ? withEventsJson(view, s.events.get(id, SERVICE_EVENTS_IN_VIEW)!.events) : view;
}
