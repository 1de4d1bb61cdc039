import { v7 as uuidv7 } from "uuid";
import { channelWants } from "../core/channel-match";
import type { Level, Notification, NotificationKind, ServiceSnapshot } from "../core/notification";
import type { Metadata } from "../core/metadata";
import type { Status } from "../core/status";
import type { Db } from "../db/client";
import type { Ctx } from "./context";
import { thresholdOf } from "./context";
import type { ServiceRow } from "./service-view";

type Tx = Pick<Db, "channel" | "delivery">;

export function snapshotOf(ctx: Ctx, s: ServiceRow): ServiceSnapshot {
  return {
    id: s.id,
    name: s.name,
    status: s.status as Status,
    message: s.message,
    metadata: (s.metadata ?? {}) as Metadata,
    lastHeartbeat: s.lastHeartbeat?.toISOString() ?? null,
    staleThresholdSeconds: thresholdOf(ctx, s.staleThreshold),
  };
}

export function monitorUrlFor(ctx: Ctx, serviceId: string): string {
  return `${ctx.config.monitorUrl.replace(/\/$/, "")}/?service=${encodeURIComponent(serviceId)}`;
}

/**
 * Writes one delivery per subscribed channel into the outbox, inside the caller's transaction, so a notification
 * exists exactly when the change it describes does. Returns how many deliveries were written.
 */
export async function enqueueNotification(
  tx: Tx,
  ctx: Ctx,
  input: { kind: NotificationKind; eventId?: string; service: ServiceRow; title: string; message: string; level: Level; at: Date },
): Promise<number> {
  const channels = await tx.channel.findMany({ where: { enabled: true } });
  const serviceId = input.service.id;
  const targets = channels.filter((c) =>
    channelWants(
      { enabled: c.enabled, levels: c.levels.split(",") as Level[], serviceIds: (c.serviceIds as string[] | null) ?? null },
      { level: input.level, serviceId },
    ),
  );
  if (targets.length === 0) return 0;
  const payload: Notification = {
    kind: input.kind,
    title: input.title,
    message: input.message,
    level: input.level,
    service: snapshotOf(ctx, input.service),
    at: input.at.toISOString(),
    monitorUrl: monitorUrlFor(ctx, serviceId),
  };
  await tx.delivery.createMany({
    data: targets.map((c) => ({
      id: uuidv7(),
      channelId: c.id,
      serviceId,
      eventId: input.eventId ?? null,
      kind: input.kind,
      payload,
      nextAttemptAt: input.at,
      createdAt: input.at,
    })),
  });
  return targets.length;
}
