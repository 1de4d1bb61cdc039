import type { Flip } from "./flip";

export type AlertPolicy = {
  notifyFirstHeartbeat: boolean;
  reminderIntervalMinutes: number;
  flapThreshold: number;
  flapWindowMinutes: number;
};

export type FlipAlertDecision =
  /** Send the flip's notification. */
  | { action: "notify" }
  /** Send nothing (paused, a first heartbeat, or already flapping). */
  | { action: "skip"; why: "paused" | "first-heartbeat" | "flapping" }
  /** This flip starts flapping: send one flapping notice instead, then hold back until stable. */
  | { action: "start-flapping" };

/**
 * Whether a flip is notified. `flipsInWindow` counts this service's flips within the flap window, this one
 * included.
 */
export function decideFlipAlert(input: {
  flip: Pick<Flip, "from" | "to">;
  paused: boolean;
  flapping: boolean;
  flipsInWindow: number;
  policy: AlertPolicy;
}): FlipAlertDecision {
  const { flip, policy } = input;
  if (input.paused) return { action: "skip", why: "paused" };
  if (input.flapping) return { action: "skip", why: "flapping" };
  if (policy.flapThreshold > 0 && input.flipsInWindow > policy.flapThreshold) return { action: "start-flapping" };
  if (flip.from === "unknown" && flip.to === "healthy" && !policy.notifyFirstHeartbeat) {
    return { action: "skip", why: "first-heartbeat" };
  }
  return { action: "notify" };
}

/** Reminders repeat while a service stays stale or in error, when they are turned on. */
export function nextReminderAt(status: string, now: Date, policy: AlertPolicy): Date | null {
  if (policy.reminderIntervalMinutes <= 0 || (status !== "stale" && status !== "error")) return null;
  return new Date(now.getTime() + policy.reminderIntervalMinutes * 60_000);
}

/** A flapping service is stable again once a whole window passed without a flip. */
export function isStableAgain(lastFlipAt: Date | null, now: Date, policy: AlertPolicy): boolean {
  return lastFlipAt === null || now.getTime() - lastFlipAt.getTime() >= policy.flapWindowMinutes * 60_000;
}

/** Exponential backoff with full jitter, capped: 1 s, 2 s, 4 s … up to capMs. `random` is injectable for tests. */
export function retryDelayMs(attempt: number, capMs = 60_000, random: () => number = Math.random): number {
  const ceiling = Math.min(capMs, 1000 * 2 ** Math.max(0, attempt - 1));
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}
