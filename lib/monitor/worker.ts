import { randomUUID } from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";
import { createNotifier } from "../notify/create-notifier";
import type { Notifier } from "../notify/notifier";
import type { ChannelConfig } from "../core/channel-config";
import type { Ctx } from "../services/context";
import { nowOf } from "../services/context";
import { pruneHistory } from "../services/prune-history";
import { syncEnvChannel } from "../services/sync-env-channel";
import { forgetWorker, recordWorkerSweep } from "../services/worker-liveness";
import { claimDue, sendClaimed, type ChannelRow } from "./deliver";
import { endFlapping } from "./end-flapping";
import { sendReminders } from "./send-reminders";
import { nextDeadline, sweepStale, type SweepResult } from "./sweep-stale";

// How often the worker looks for a new earliest deadline (a registration or a shorter threshold made by another
// process); it bounds detection lateness whatever HEARTBEAT_CHECK_INTERVAL says.
const DEADLINE_POLL_MS = 250;
const DELIVERY_POLL_MS = 200;
const MAX_IN_FLIGHT = 64;
const LIVENESS_EVERY_MS = 5_000;
const PRUNE_EVERY_MS = 3_600_000;
const ERROR_BACKOFF_MS = 1_000;

export type WorkerEvents = {
  onSweep?: (result: SweepResult) => void;
  onError?: (where: string, error: unknown) => void;
};

/**
 * The monitor: marks services stale as their deadlines pass and delivers the outbox. Runs until the signal aborts;
 * an error in one pass is logged and the loop goes on.
 */
export class MonitorWorker {
  readonly id = `${process.pid}-${randomUUID().slice(0, 8)}`;
  private readonly startedAt = new Date();
  private readonly notifiers = new Map<string, { version: number; notifier: Notifier }>();
  private wakeDelivery: (() => void) | undefined;

  constructor(
    private readonly ctx: Ctx,
    private readonly events: WorkerEvents = {},
  ) {}

  async run(signal: AbortSignal): Promise<void> {
    await syncEnvChannel(this.ctx);
    await Promise.all([this.staleLoop(signal), this.deliveryLoop(signal)]);
    await forgetWorker(this.ctx, { workerId: this.id }).catch(() => {});
  }

  private async staleLoop(signal: AbortSignal): Promise<void> {
    let lastFullSweep = 0;
    let lastLiveness = 0;
    let lastPrune = 0;
    while (!signal.aborted) {
      try {
        const now = nowOf(this.ctx).getTime();
        const next = await nextDeadline(this.ctx);
        const fullSweepDue = now - lastFullSweep >= this.ctx.config.checkIntervalSeconds * 1000;
        if ((next && next.getTime() <= now) || fullSweepDue) {
          const result = await sweepStale(this.ctx, { signal });
          this.events.onSweep?.(result);
          if (result.marked > 0) this.wakeDelivery?.();
        }
        if (fullSweepDue) {
          lastFullSweep = now;
          await endFlapping(this.ctx);
          if (this.ctx.config.alerts.reminderIntervalMinutes > 0) await sendReminders(this.ctx);
        }
        if (now - lastLiveness >= LIVENESS_EVERY_MS) {
          lastLiveness = now;
          await recordWorkerSweep(this.ctx, { workerId: this.id, startedAt: this.startedAt });
        }
        if (now - lastPrune >= PRUNE_EVERY_MS) {
          lastPrune = now;
          await pruneHistory(this.ctx);
        }
        const until = next ? next.getTime() - nowOf(this.ctx).getTime() : DEADLINE_POLL_MS;
        await pause(Math.max(5, Math.min(until, DEADLINE_POLL_MS)), signal);
      } catch (error) {
        this.events.onError?.("stale sweep", error);
        await pause(ERROR_BACKOFF_MS, signal);
      }
    }
  }

  /**
   * Keeps up to MAX_IN_FLIGHT sends going. A pass claims once half the slots are free (or nothing is in flight), so
   * passes stay few under a burst, and a channel that hangs until its timeout holds up only its own deliveries.
   * With nothing to claim it waits for the next poll, this worker's own sweep, or a send settling (which may free
   * the next delivery of its lane).
   */
  private async deliveryLoop(signal: AbortSignal): Promise<void> {
    const inFlight = new Set<Promise<void>>();
    const stats = { claimed: 0, sent: 0, retried: 0, failed: 0, broken: 0 };
    while (!signal.aborted) {
      try {
        const room = MAX_IN_FLIGHT - inFlight.size;
        if (room < MAX_IN_FLIGHT / 2) {
          await Promise.race(inFlight);
          continue;
        }
        const claimed = await claimDue(this.ctx, { workerId: this.id, batch: room });
        for (const delivery of claimed) {
          const send: Promise<void> = sendClaimed(this.ctx, { delivery, workerId: this.id, notifierFor: (c) => this.notifierFor(c), stats })
            .catch((error) => this.events.onError?.("delivery", error))
            .finally(() => {
              inFlight.delete(send);
              // A settled send may have freed the next delivery of its lane.
              this.wakeDelivery?.();
            });
          inFlight.add(send);
        }
        if (claimed.length === 0) {
          // Sleep until the next poll, a send settling, or this worker's own sweep queuing notifications.
          await new Promise<void>((resolve) => {
            this.wakeDelivery = resolve;
            void pause(DELIVERY_POLL_MS, signal).then(resolve);
          });
          this.wakeDelivery = undefined;
        }
      } catch (error) {
        this.events.onError?.("delivery", error);
        await pause(ERROR_BACKOFF_MS, signal);
      }
    }
    // Settle what is in flight before stopping, so nothing stays claimed until its lease runs out.
    await Promise.all(inFlight);
  }

  private notifierFor(channel: ChannelRow): Notifier {
    const version = channel.updatedAt.getTime();
    const cached = this.notifiers.get(channel.id);
    if (cached && cached.version === version) return cached.notifier;
    const notifier = createNotifier({ type: channel.type, config: channel.config } as ChannelConfig, {
      discordUsername: this.ctx.config.discordWebhookUsername,
    });
    this.notifiers.set(channel.id, { version, notifier });
    return notifier;
  }
}

/** Sleeps, waking early (without throwing) when the signal aborts. */
async function pause(ms: number, signal: AbortSignal): Promise<void> {
  await sleep(ms, undefined, { signal }).catch(() => {});
}
