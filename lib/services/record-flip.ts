import { v7 as uuidv7 } from "uuid";
import { decideFlipAlert, nextReminderAt } from "../core/alert-policy";
import type { Flip } from "../core/flip";
import { describeFlip } from "../core/notification";
import type { Db } from "../db/client";
import type { Ctx } from "./context";
import { enqueueNotification, snapshotOf } from "./enqueue-notification";
import type { ServiceRow } from "./service-view";

type Tx = Pick<Db, "event" | "service" | "channel" | "delivery">;
type FlippedService = ServiceRow & { flappingSince: Date | null };

/**
 * Records a status change inside the caller's transaction: the flip event, the alert state (flapping, reminders)
 * and the outbox deliveries for the channels that want it. `service` is the row as it is after the change.
 */
export async function recordFlip(
  tx: Tx,
  ctx: Ctx,
  input: { service: FlippedService; flip: Flip; message: string | null; at: Date },
): Promise<void> {
  const { service, flip, at } = input;
  const policy = ctx.config.alerts;
  const describedService = snapshotOf(ctx, service);
  const notice = describeFlip(flip, describedService);
  const eventId = uuidv7();
  await tx.event.create({
    data: {
      id: eventId,
      serviceId: service.id,
      type: "flip",
      status: flip.to,
      fromStatus: flip.from,
      reason: flip.reason,
      message: flip.to === "stale" ? notice.message : input.message,
      at,
    },
  });
  const windowStart = new Date(at.getTime() - policy.flapWindowMinutes * 60_000);
  const flipsInWindow =
    policy.flapThreshold > 0 && !service.paused && !service.flappingSince
      ? await tx.event.count({ where: { serviceId: service.id, type: "flip", at: { gte: windowStart } } })
      : 0;
  const decision = decideFlipAlert({ flip, paused: service.paused, flapping: service.flappingSince !== null, flipsInWindow, policy });
  await tx.service.update({
    where: { id: service.id },
    data: {
      nextReminderAt: service.paused ? null : nextReminderAt(flip.to, at, policy),
      ...(decision.action === "start-flapping" ? { flappingSince: at } : {}),
    },
  });
  if (decision.action === "notify") {
    await enqueueNotification(tx, ctx, { kind: "flip", eventId, service, ...notice, at });
  } else if (decision.action === "start-flapping") {
    await enqueueNotification(tx, ctx, {
      kind: "flapping",
      eventId,
      service,
      title: `Service Flapping: ${service.name}`,
      message:
        `Status changed ${flipsInWindow} times in ${policy.flapWindowMinutes} minutes (now ${flip.to}); ` +
        `notifications are held back until it is stable`,
      level: "warning",
      at,
    });
  }
}
