import type pg from "pg";
import { v7 as uuidv7 } from "uuid";
import { serviceNotFound } from "../core/errors";
import type { Metadata } from "../core/metadata";
import type { HeartbeatInput } from "../core/schemas";
import type { Status } from "../core/status";
import type { Ctx } from "./context";
import { nowOf } from "./context";
import { PRUNE_EVERY } from "./prune-history";
import { SERVICE_EVENTS_IN_VIEW, toServiceView, withEventsJson, type ServiceView } from "./service-view";

// The common heartbeat on PostgreSQL (the status does not change, no metadata to merge) in a short transaction on
// Prisma's own pool: lock the row, then one statement for the update, the log entry and the every-Nth trim, then
// (inside the transaction, so it sees them) the newest events; five cheap round trips where the interactive Prisma
// transaction took seven expensive ones. Anything else goes through recordHeartbeat's Prisma path.

// Timestamps are TIMESTAMP(3) holding UTC, as Prisma writes them.
const ISO = `'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'`;

const LOCK = `SELECT status FROM services WHERE id = $1 FOR UPDATE`;

// The trim runs on the statement's snapshot, before this heartbeat's entry: hence keep - 2.
const WRITE = `
WITH upd AS (
  UPDATE services s SET beat_count = s.beat_count + 1, message = $2, last_heartbeat = $3::timestamp,
         updated_at = $3::timestamp,
         deadline = CASE WHEN s.paused THEN NULL
                         ELSE $3::timestamp + make_interval(secs => COALESCE(s.stale_threshold, $4::int)) END
  WHERE s.id = $1
  RETURNING s.name, s.metadata, to_char(s.created_at, ${ISO}) AS created_at, s.stale_threshold, s.paused, s.beat_count
), ins AS (
  INSERT INTO events (id, service_id, type, status, message, at) VALUES ($5, $1, 'heartbeat', $6, $2, $3::timestamp)
), trim AS (
  DELETE FROM events WHERE service_id = $1 AND type = 'heartbeat'
    AND EXISTS (SELECT 1 FROM upd WHERE upd.beat_count % ${PRUNE_EVERY} = 0)
    AND id < (SELECT id FROM events WHERE service_id = $1 AND type = 'heartbeat' ORDER BY id DESC OFFSET $7 LIMIT 1)
)
SELECT * FROM upd`;

// The newest events, oldest first, as the JSON text of EventView[] (toEventView's shape, compact like
// JSON.stringify), built by PostgreSQL.
const EVENTS = `
SELECT '[' || coalesce(string_agg(CASE
         WHEN type = 'flip' AND reason IS NOT NULL
           THEN row_to_json((SELECT e FROM (SELECT id, type, ts AS "timestamp", status, message, from_status AS "from", reason) e))
         WHEN type = 'flip'
           THEN row_to_json((SELECT e FROM (SELECT id, type, ts AS "timestamp", status, message, from_status AS "from") e))
         ELSE row_to_json((SELECT e FROM (SELECT id, type, ts AS "timestamp", status, message) e))
       END::text, ',' ORDER BY id), '') || ']' AS events
FROM (SELECT id, type, status, from_status, message, reason, to_char(at, ${ISO}) AS ts FROM events
      WHERE service_id = $1 ORDER BY id DESC LIMIT $2) newest`;

type Updated = {
  name: string;
  metadata: Metadata;
  created_at: string;
  stale_threshold: number | null;
  paused: boolean;
};

/**
 * Records a heartbeat that keeps the service's status and brings no metadata, or returns null without writing
 * anything when the Prisma path must do it.
 */
export async function recordSteadyHeartbeatPg(
  ctx: Ctx,
  pool: pg.Pool,
  { id, input, withEvents }: { id: string; input: HeartbeatInput; withEvents: boolean },
): Promise<ServiceView | null> {
  if (input.metadata) return null;
  const client = await pool.connect();
  let outcome: Awaited<ReturnType<typeof writeSteady>>;
  try {
    outcome = await writeSteady(ctx, client, { id, input, withEvents });
  } catch (error) {
    // A connection that cannot even roll back is dropped rather than handed back to the pool.
    const broken = await client.query("ROLLBACK").then(
      () => false,
      () => true,
    );
    client.release(broken);
    throw error;
  }
  client.release();
  if (outcome === "missing") throw serviceNotFound(id);
  if (outcome === "flip") return null;
  const { updated, now, events } = outcome;
  const view = toServiceView(ctx, {
    id,
    name: updated.name,
    status: input.status as Status,
    message: input.message ?? null,
    metadata: updated.metadata,
    createdAt: new Date(updated.created_at),
    updatedAt: now,
    lastHeartbeat: now,
    staleThreshold: updated.stale_threshold,
    paused: updated.paused,
  });
  return events === null ? view : withEventsJson(view, events);
}

async function writeSteady(
  ctx: Ctx,
  client: pg.PoolClient,
  { id, input, withEvents }: { id: string; input: HeartbeatInput; withEvents: boolean },
) {
  await client.query("BEGIN");
  const current = await client.query<{ status: string }>({ name: "laneswap-heartbeat-lock", text: LOCK, values: [id] });
  if (current.rows.length === 0 || current.rows[0].status !== input.status) {
    await client.query("ROLLBACK");
    return current.rows.length === 0 ? "missing" : "flip";
  }
  // Read the clock and make the log entry's id only once the row is locked, as the Prisma path does: heartbeats to
  // one service commit in the order of their timestamps and ids, so the service always shows its newest entry.
  const now = nowOf(ctx);
  const { rows } = await client.query<Updated>({
    name: "laneswap-heartbeat-write",
    text: WRITE,
    values: [id, input.message ?? null, now.toISOString(), ctx.config.staleThresholdSeconds, uuidv7(), input.status, Math.max(0, ctx.config.historyHeartbeats - 2)],
  });
  const events = withEvents
    ? (await client.query<{ events: string }>({ name: "laneswap-service-events", text: EVENTS, values: [id, SERVICE_EVENTS_IN_VIEW] })).rows[0].events
    : null;
  await client.query("COMMIT");
  return { updated: rows[0], now, events };
}
