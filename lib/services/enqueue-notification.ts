import { uuidv7 } from "uuidv7";
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

export type NotificationInput = {
  kind: NotificationKind;
  eventId?: string;
  service: ServiceRow;
  title: string;
  message: string;
  level: Level;
  at: Date;
};

/**
 * Writes one delivery per subscribed channel and notification into the outbox, inside the caller's transaction,
 * so a notification exists exactly when the change it describes does. Returns how many deliveries were written.
 */
export async function enqueueNotifications(tx: Tx, ctx: Ctx, notices: NotificationInput[]): Promise<number> {
  if (notices.length === 0) return 0;
  const channels = (await tx.channel.findMany({ where: { enabled: true } })).map((c) => ({
    id: c.id,
    filter: { enabled: c.enabled, levels: c.levels.split(",") as Level[], serviceIds: (c.serviceIds as string[] | null) ?? null },
  }));
  const data = notices.flatMap((n) => {
    const serviceId = n.service.id;
    const targets = channels.filter((c) => channelWants(c.filter, { level: n.level, serviceId }));
    if (targets.length === 0) return [];
    const payload: Notification = {
      kind: n.kind,
      title: n.title,
      message: n.message,
      level: n.level,
      service: snapshotOf(ctx, n.service),
      at: n.at.toISOString(),
      monitorUrl: monitorUrlFor(ctx, serviceId),
    };
    return targets.map((c) => ({
      id: uuidv7(),
      channelId: c.id,
      serviceId,
      eventId: n.eventId ?? null,
      kind: n.kind,
      payload,
      nextAttemptAt: n.at,
      createdAt: n.at,
    }));
  });
  if (data.length) await tx.delivery.createMany({ data });
  return data.length;
}

export function enqueueNotification(tx: Tx, ctx: Ctx, notice: NotificationInput): Promise<number> {
  return enqueueNotifications(tx, ctx, [notice]);
}
