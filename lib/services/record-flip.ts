import { uuidv7 } from "uuidv7";
import { decideFlipAlert, nextReminderAt } from "../core/alert-policy";
import type { Flip } from "../core/flip";
import { describeFlip } from "../core/notification";
import type { Db } from "../db/client";
import type { Ctx } from "./context";
import { enqueueNotifications, snapshotOf, type NotificationInput } from "./enqueue-notification";
import type { ServiceRow } from "./service-view";

type Tx = Pick<Db, "event" | "service" | "channel" | "delivery">;
type FlippedService = ServiceRow & { flappingSince: Date | null };
export type FlipRecord = { service: FlippedService; flip: Flip; message: string | null };

/**
 * Records status changes inside the caller's transaction, in a constant number of statements however many there
 * are: the flip events, the alert state (flapping, reminders) and the outbox deliveries for the channels that want
 * them. Each `service` is the row as it is after the change.
 */
export async function recordFlips(tx: Tx, ctx: Ctx, { flips, at }: { flips: FlipRecord[]; at: Date }): Promise<void> {
  if (flips.length === 0) return;
  const policy = ctx.config.alerts;
  const items = flips.map((f) => ({ ...f, eventId: uuidv7(), notice: describeFlip(f.flip, snapshotOf(ctx, f.service)) }));
  await tx.event.createMany({
    data: items.map(({ service, flip, message, eventId, notice }) => ({
      id: eventId,
      serviceId: service.id,
      type: "flip",
      status: flip.to,
      fromStatus: flip.from,
      reason: flip.reason,
      message: flip.to === "stale" ? notice.message : message,
      at,
    })),
  });

  const watched = items.filter((i) => policy.flapThreshold > 0 && !i.service.paused && !i.service.flappingSince).map((i) => i.service.id);
  const windowStart = new Date(at.getTime() - policy.flapWindowMinutes * 60_000);
  const recent = watched.length
    ? await tx.event.groupBy({
        by: ["serviceId"],
        where: { serviceId: { in: watched }, type: "flip", at: { gte: windowStart } },
        _count: { _all: true },
      })
    : [];
  const flipsInWindow = new Map(recent.map((r) => [r.serviceId, r._count._all]));

  const notices: NotificationInput[] = [];
  const startFlapping: string[] = [];
  const reminderAt = new Map<number | null, string[]>();
  for (const { service, flip, eventId, notice } of items) {
    const count = flipsInWindow.get(service.id) ?? 0;
    const decision = decideFlipAlert({ flip, paused: service.paused, flapping: service.flappingSince !== null, flipsInWindow: count, policy });
    const reminder = service.paused ? null : (nextReminderAt(flip.to, at, policy)?.getTime() ?? null);
    const sameTime = reminderAt.get(reminder);
    if (sameTime) sameTime.push(service.id);
    else reminderAt.set(reminder, [service.id]);
    if (decision.action === "notify") notices.push({ kind: "flip", eventId, service, ...notice, at });
    if (decision.action === "start-flapping") {
      startFlapping.push(service.id);
      notices.push({
        kind: "flapping",
        eventId,
        service,
        title: `Service Flapping: ${service.name}`,
        message:
          `Status changed ${count} times in ${policy.flapWindowMinutes} minutes (now ${flip.to}); ` +
          `notifications are held back until it is stable`,
        level: "warning",
        at,
      });
    }
  }
  for (const [time, ids] of reminderAt) {
    await tx.service.updateMany({ where: { id: { in: ids } }, data: { nextReminderAt: time === null ? null : new Date(time) } });
  }
  if (startFlapping.length) await tx.service.updateMany({ where: { id: { in: startFlapping } }, data: { flappingSince: at } });
  await enqueueNotifications(tx, ctx, notices);
}

export function recordFlip(tx: Tx, ctx: Ctx, input: FlipRecord & { at: Date }): Promise<void> {
  return recordFlips(tx, ctx, { flips: [input], at: input.at });
}
