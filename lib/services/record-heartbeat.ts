import { uuidv7 } from "uuidv7";
import { watchedDeadline } from "../core/deadline";
import { serviceNotFound } from "../core/errors";
import { flipForHeartbeat } from "../core/flip";
import type { Metadata } from "../core/metadata";
import type { HeartbeatInput } from "../core/schemas";
import type { Status } from "../core/status";
import { pgPool, sqliteConnection } from "../db/client";
import type { Ctx } from "./context";
import { nowOf, thresholdOf } from "./context";
import { heartbeatMetadata } from "./heartbeat-metadata";
import { PRUNE_EVERY, pruneServiceHeartbeats } from "./prune-history";
import { recordSteadyHeartbeatPg } from "./record-heartbeat-postgres";
import { recordSteadyHeartbeat } from "./record-heartbeat-sqlite";
import { recordFlip } from "./record-flip";
import { SERVICE_EVENTS_IN_VIEW, toServiceView, type ServiceView } from "./service-view";

/**
 * Records a heartbeat: updates the service, appends to its log and records a flip when the status changes. Answers
 * the service as it is now, with its newest events unless `withEvents` is false.
 */
export async function recordHeartbeat(
  ctx: Ctx,
  { id, input, withEvents = true }: { id: string; input: HeartbeatInput; withEvents?: boolean },
): Promise<ServiceView> {
  const steady = await recordSteady(ctx, { id, input, withEvents });
  if (steady) return steady;
  const service = await ctx.db.$transaction(async (tx) => {
    // Writing first takes the row lock (PostgreSQL) or the write lock (SQLite) before we read, so concurrent
    // heartbeats to one service are applied one after another and never lose a metadata merge or a flip.
    const current = await tx.service
      .update({ where: { id }, data: { beatCount: { increment: 1 } } })
      .catch((error: { code?: string }) => {
        throw error.code === "P2025" ? serviceNotFound(id) : error;
      });
    // Read the clock only once the lock is held, so heartbeats commit in the order of their timestamps and
    // last_heartbeat never moves backwards.
    const now = nowOf(ctx);
    const metadata = heartbeatMetadata(current.metadata as Metadata, input.metadata);
    const flip = flipForHeartbeat(current.status as Status, input.status);
    const updated = await tx.service.update({
      where: { id },
      data: {
        status: input.status,
        message: input.message ?? null,
        ...(input.metadata ? { metadata } : {}),
        lastHeartbeat: now,
        updatedAt: now,
        deadline: watchedDeadline({
          status: input.status,
          paused: current.paused,
          lastHeartbeat: now,
          createdAt: current.createdAt,
          thresholdSeconds: thresholdOf(ctx, current.staleThreshold),
        }),
      },
    });
    const message = input.message ?? null;
    await tx.event.create({ data: { id: uuidv7(), serviceId: id, type: "heartbeat", status: input.status, message, at: now } });
    if (flip) await recordFlip(tx, ctx, { service: updated, flip, message, at: now });
    if (current.beatCount % PRUNE_EVERY === 0) await pruneServiceHeartbeats(tx, id, ctx.config.historyHeartbeats);
    return updated;
  });
  if (!withEvents) return toServiceView(ctx, service);
  const events = await ctx.db.event.findMany({
    where: { serviceId: id },
    orderBy: { id: "desc" },
    take: SERVICE_EVENTS_IN_VIEW,
  });
  return toServiceView(ctx, service, events);
}

// Most heartbeats repeat the status: those take a hand-written path on the driver under Prisma (null: not this one).
function recordSteady(ctx: Ctx, request: { id: string; input: HeartbeatInput; withEvents: boolean }) {
  const conn = sqliteConnection(ctx.db);
  if (conn) return recordSteadyHeartbeat(ctx, conn, request);
  const pool = pgPool(ctx.db);
  return pool ? recordSteadyHeartbeatPg(ctx, pool, request) : null;
}
