/** The moment a service becomes stale: (last_heartbeat ?? created_at) + stale_threshold. */
export function computeDeadline(input: {
  lastHeartbeat: Date | null;
  createdAt: Date;
  thresholdSeconds: number;
}): Date {
  const from = input.lastHeartbeat ?? input.createdAt;
  return new Date(from.getTime() + input.thresholdSeconds * 1000);
}

/**
 * The deadline the monitor should watch, or null when it must not watch: paused services never go stale and
 * stale ones are already flagged.
 */
export function watchedDeadline(input: {
  status: string;
  paused: boolean;
  lastHeartbeat: Date | null;
  createdAt: Date;
  thresholdSeconds: number;
}): Date | null {
  if (input.paused || input.status === "stale") return null;
  return computeDeadline(input);
}

export function isPastDeadline(deadline: Date | null, now: Date): boolean {
  return deadline !== null && deadline.getTime() <= now.getTime();
}
