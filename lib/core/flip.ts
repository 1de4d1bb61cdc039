import type { Status } from "./status";

export type FlipReason = "heartbeat" | "recovered" | "stale";

export type Flip = { from: Status; to: Status; reason: FlipReason };

/** A heartbeat changes the status when it reports a different one; from stale that is a recovery. */
export function flipForHeartbeat(previous: Status, reported: Status): Flip | null {
  if (previous === reported) return null;
  return { from: previous, to: reported, reason: previous === "stale" ? "recovered" : "heartbeat" };
}

export function flipForDeadline(previous: Status): Flip | null {
  if (previous === "stale") return null;
  return { from: previous, to: "stale", reason: "stale" };
}
