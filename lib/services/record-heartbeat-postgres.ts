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

// The common heartbeat on PostgreSQL (the status does not change, no metadata to merge) as one statement on
// Prisma's own pool: the row lock, the update, the log entry and the every-Nth trim in a single round trip, where
// an interactive Prisma transaction takes seven. Anything else goes through recordHeartbeat's Prisma path.

// Timestamps are TIMESTAMP(3) holding UTC, as Prisma writes them.
const ISO = `'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'`;

// cur locks the row and reads its status; upd only runs when the status stays (no flip); the log entry and the
// trim only when upd did. The trim runs on the snapshot before this heartbeat's entry, hence keep - 2. The clock is
// read before the lock is taken, so a heartbeat that waited for another never moves last_heartbeat backwards.
const STEADY = `
WITH cur AS (
  SELECT id, status FROM services WHERE id = $1 FOR UPDATE
), upd AS (
  UPDATE services s SET beat_count = s.beat_count + 1, message = $3,
         last_heartbeat = GREATEST(s.last_heartbeat, $4::timestamp), updated_at = GREATEST(s.updated_at, $4::timestamp),
         deadline = CASE WHEN s.paused THEN NULL ELSE GREATEST(s.last_heartbeat, $4::timestamp)
                         + make_interval(secs => COALESCE(s.stale_threshold, $5::int)) END
  FROM cur WHERE s.id = cur.id AND cur.status = $2
  RETURNING s.name, s.metadata, to_char(s.created_at, ${ISO}) AS created_at, to_char(s.updated_at, ${ISO}) AS updated_at,
            to_char(s.last_heartbeat, ${ISO}) AS last_heartbeat, s.stale_threshold, s.paused, s.beat_count
), ins AS (
  INSERT INTO events (id, service_id, type, status, message, at)
  SELECT $6, $1, 'heartbeat', $2, $3, $4::timestamp FROM upd
), trim AS (
  DELETE FROM events WHERE service_id = $1 AND type = 'heartbeat'
    AND EXISTS (SELECT 1 FROM upd WHERE upd.beat_count % ${PRUNE_EVERY} = 0)
    AND id < (SELECT id FROM events WHERE service_id = $1 AND type = 'heartbeat' ORDER BY id DESC OFFSET $7 LIMIT 1)
)
SELECT upd.* FROM cur LEFT JOIN upd ON true`;

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
  name: string | null;
  metadata: Metadata | null;
  created_at: string | null;
  updated_at: string | null;
  last_heartbeat: string | null;
  stale_threshold: number | null;
  paused: boolean | null;
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
  const now = nowOf(ctx);
  const message = input.message ?? null;
  const { rows } = await pool.query<Updated>({
    name: "laneswap-steady-heartbeat",
    text: STEADY,
    values: [id, input.status, message, now.toISOString(), ctx.config.staleThresholdSeconds, uuidv7(), Math.max(0, ctx.config.historyHeartbeats - 2)],
  });
  if (rows.length === 0) throw serviceNotFound(id);
  const updated = rows[0];
  if (updated.name === null) return null; // the status changes: a flip
  const view = toServiceView(ctx, {
    id,
    name: updated.name,
    status: input.status as Status,
    message,
    metadata: updated.metadata,
    createdAt: new Date(updated.created_at!),
    updatedAt: new Date(updated.updated_at!),
    lastHeartbeat: new Date(updated.last_heartbeat!),
    staleThreshold: updated.stale_threshold,
    paused: updated.paused!,
  });
  if (!withEvents) return view;
  const events = await pool.query<{ events: string }>({
    name: "laneswap-service-events",
    text: EVENTS,
    values: [id, SERVICE_EVENTS_IN_VIEW],
  });
  return withEventsJson(view, events.rows[0].events);
}
