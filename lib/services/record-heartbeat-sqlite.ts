import type BetterSqlite3 from "better-sqlite3";
import { LRUCache } from "lru-cache";
import { uuidv7 } from "uuidv7";
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
  name: string;
  status: string;
  metadata: string;
  created_at: string;
  stale_threshold: number | null;
  paused: number;
  beat_count: number;
};

type Writes = { changes: number; version: number };
type Newest = { id: string | null; seq: number | null };

type Statements = {
  writes: BetterSqlite3.Statement<[], Writes>;
  service: BetterSqlite3.Statement<[string], ServiceRecord>;
  update: BetterSqlite3.Statement<unknown[]>;
  newestEvent: BetterSqlite3.Statement<[string, string], Newest>;
  insertEvent: BetterSqlite3.Statement<unknown[]>;
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
    // Whether anything but this module wrote since it last looked: the rows changed on this connection (Prisma's
    // statements included) and data_version, which moves whenever another connection commits.
    writes: conn.prepare<[], Writes>(`SELECT total_changes() AS changes, (SELECT data_version FROM pragma_data_version) AS version`),
    service: conn.prepare<[string], ServiceRecord>(
      `SELECT name, status, metadata, created_at, stale_threshold, paused, beat_count FROM services WHERE id = ?`,
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
    insertEvent: conn.prepare(`INSERT INTO events (id, service_id, type, status, message, at) VALUES (?, ?, 'heartbeat', ?, ?, ?)`),
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
  // Prisma turns on BigInt results for its connection; these statements read and write small integers.
  for (const statement of Object.values(s)) statement.safeIntegers(false);
  return s;
}

// What this module knows of the services heartbeating now, so that a heartbeat neither reads its service's row
// nor has SQLite encode the service's hundred newest events again (that was three quarters of the cost of a full
// answer). Each batch starts by asking SQLite whether anything else wrote since the previous batch ended; if so
// the epoch moves on and what was known before is checked before it is used again: a service's row is read again,
// its list of events is kept only while its newest and last-written events are still the ones the list ends with.
// A trim that can reach the newest events drops the list; lists also expire after a minute.
type KnownService = { epoch: number; row: ServiceRecord; createdAt: Date };
// The list is kept as the UTF-8 bytes of its JSON array, with each entry's length, so adding an entry is one copy
// of the bytes and the answer is made from them without building (and later encoding) a string of 100 entries.
type RecentEvents = { epoch: number; newest: Newest; json: Buffer; lengths: number[] };
type Memory = {
  epoch: number;
  /** `writes` as the last batch left it; null before the first batch and after one that failed. */
  after: Writes | null;
  services: LRUCache<string, KnownService>;
  events: LRUCache<string, RecentEvents>;
};

const newMemory = (): Memory => ({
  epoch: 0,
  after: null,
  services: new LRUCache({ max: 10_000 }),
  events: new LRUCache({ max: 1_000, ttl: 60_000 }),
});

function knownService(s: Statements, memory: Memory, id: string): KnownService | null {
  const known = memory.services.get(id);
  if (known && known.epoch === memory.epoch) return known;
  const row = s.service.get(id);
  return row ? { epoch: memory.epoch, row, createdAt: new Date(row.created_at) } : null;
}

/** The service's list of newest events if it is still current; to be asked before this heartbeat writes its own. */
function currentEvents(s: Statements, memory: Memory, id: string): RecentEvents | null {
  const entry = memory.events.get(id);
  if (!entry || entry.epoch === memory.epoch) return entry ?? null;
  const newest = s.newestEvent.get(id, id)!;
  if (newest.id !== entry.newest.id || newest.seq !== entry.newest.seq) return null;
  entry.epoch = memory.epoch;
  return entry;
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
  const memory = newMemory();
  // Nested in `write`, this runs in a savepoint: a heartbeat that fails leaves no trace and does not fail the others.
  const writeOne = conn.transaction((request: SteadyRequest) => writeSteady(s, memory, request));
  const write = conn.transaction((items: Queued[]): Outcome[] => {
    const before = s.writes.get()!;
    const after = memory.after;
    if (!after || after.changes !== before.changes || after.version !== before.version) memory.epoch++;
    // Once a heartbeat of a service leaves for the Prisma path, its later ones in this batch follow it there, so
    // they are applied after it.
    const deferred = new Set<string>();
    const outcomes = items.map(({ request }): Outcome => {
      if (deferred.has(request.id)) return { view: null };
      try {
        const view = writeOne(request);
        if (!view) deferred.add(request.id);
        return { view };
      } catch (error) {
        // Rolled back to its savepoint: whatever it had noted of its service goes too.
        memory.services.delete(request.id);
        memory.events.delete(request.id);
        return { error };
      }
    });
    memory.after = s.writes.get()!;
    return outcomes;
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
      // Nothing committed (the commit itself failed, or the lock could not be had): the whole batch fails, and
      // what it noted is not to be trusted.
      memory.after = null;
      for (const item of items) item.reject(error);
      return;
    }
    outcomes.forEach((outcome, i) => ("error" in outcome ? items[i].reject(outcome.error) : items[i].resolve(outcome.view)));
  });
  batchers.set(conn, batch);
  return batch;
}

function writeSteady(s: Statements, memory: Memory, { ctx, id, input, withEvents }: SteadyRequest): ServiceView | null {
  const known = knownService(s, memory, id);
  if (!known) throw serviceNotFound(id);
  const current = known.row;
  if (flipForHeartbeat(current.status as Status, input.status)) return null;
  const now = nowOf(ctx);
  const metadataJson = input.metadata
    ? JSON.stringify(heartbeatMetadata(JSON.parse(current.metadata), input.metadata))
    : current.metadata;
  const paused = current.paused === 1;
  const threshold = current.stale_threshold;
  const deadline = watchedDeadline({
    status: input.status,
    paused,
    lastHeartbeat: now,
    createdAt: known.createdAt,
    thresholdSeconds: thresholdOf(ctx, threshold),
  });
  const message = input.message ?? null;
  const at = stored(now);
  const events = withEvents ? currentEvents(s, memory, id) : null;
  s.update.run(message, metadataJson, at, at, deadline && stored(deadline), id);
  const eventId = uuidv7();
  const seq = s.insertEvent.run(eventId, id, input.status, message, at).lastInsertRowid as number;
  const beatCount = current.beat_count + 1;
  const prune = beatCount % PRUNE_EVERY === 0;
  if (prune) s.prune.run(id, id, ctx.config.historyHeartbeats - 1);
  memory.services.set(id, { epoch: memory.epoch, row: { ...current, metadata: metadataJson, beat_count: beatCount }, createdAt: known.createdAt });
  const view = toServiceView(ctx, {
    id,
    name: current.name,
    status: input.status,
    message,
    metadata: JSON.parse(metadataJson),
    createdAt: known.createdAt,
    updatedAt: now,
    lastHeartbeat: now,
    staleThreshold: threshold,
    paused,
  });
  if (!withEvents) return view;
  // This heartbeat's entry, as toEventView would give it.
  const entry = Buffer.from(JSON.stringify({ id: eventId, type: "heartbeat", timestamp: view.last_heartbeat, status: input.status, message }));
  const newest = { id: eventId, seq };
  // A trim keeps the newest HISTORY_HEARTBEATS heartbeats: it reaches the newest events only when that is fewer.
  if (events && !(prune && ctx.config.historyHeartbeats < SERVICE_EVENTS_IN_VIEW)) {
    appendEvent(events, entry);
    events.newest = newest;
    return withEventsJson(view, events.json);
  }
  const list = s.events.all(id, SERVICE_EVENTS_IN_VIEW);
  const json = Buffer.from(`[${list.join(",")}]`);
  memory.events.set(id, { epoch: memory.epoch, newest, json, lengths: list.map((e) => Buffer.byteLength(e)) });
  return withEventsJson(view, json);
}

const [OPEN, COMMA, CLOSE] = ["[", ",", "]"].map((c) => Buffer.from(c));

/** Adds an entry at the end of a list, dropping its oldest once it holds SERVICE_EVENTS_IN_VIEW. */
function appendEvent(events: RecentEvents, entry: Buffer): void {
  const { json, lengths } = events;
  const drop = lengths.length >= SERVICE_EVENTS_IN_VIEW ? lengths.shift()! + 1 : 0;
  const kept = json.subarray(1 + drop, json.length - 1);
  lengths.push(entry.length);
  events.json = Buffer.concat(kept.length ? [OPEN, kept, COMMA, entry, CLOSE] : [OPEN, entry, CLOSE]);
}
