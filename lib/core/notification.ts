import type { Flip } from "./flip";
import type { Metadata } from "./metadata";
import type { Status } from "./status";

export const LEVELS = ["info", "success", "warning", "error"] as const;
export type Level = (typeof LEVELS)[number];

/** What a notification says about its service, captured when the flip happened. */
export type ServiceSnapshot = {
  id: string;
  name: string;
  status: Status;
  message: string | null;
  metadata: Metadata;
  lastHeartbeat: string | null;
  staleThresholdSeconds: number;
};

export type NotificationKind = "flip" | "reminder" | "flapping" | "stable" | "test";

/** The message every channel renders in its own format (SPEC section 3). */
export type Notification = {
  kind: NotificationKind;
  title: string;
  message: string;
  level: Level;
  service: ServiceSnapshot;
  /** ISO time of the flip (or of the reminder). */
  at: string;
  monitorUrl?: string;
};

const RECOVERY_FROM: readonly Status[] = ["warning", "degraded", "error", "stale"];

/** The level of a flip: error for error, warning for stale/warning/degraded, success for a recovery, else info. */
export function levelForFlip(flip: Pick<Flip, "from" | "to">): Level {
  if (flip.to === "error") return "error";
  if (flip.to === "stale" || flip.to === "warning" || flip.to === "degraded") return "warning";
  if (flip.to === "healthy" && RECOVERY_FROM.includes(flip.from)) return "success";
  return "info";
}

/** Title, message and level of a flip's notification, worded as the original LaneSwap worded them. */
export function describeFlip(flip: Pick<Flip, "from" | "to">, service: ServiceSnapshot): Pick<Notification, "title" | "message" | "level"> {
  if (flip.to === "stale") {
    return {
      title: `Service Stale: ${service.name}`,
      message: `No heartbeat received in ${Math.round(service.staleThresholdSeconds)} seconds`,
      level: "warning",
    };
  }
  const suffix = service.message ? `: ${service.message}` : "";
  return {
    title: `Service Status Change: ${service.name}`,
    message: `Status changed from ${flip.from} to ${flip.to}${suffix}`,
    level: levelForFlip(flip),
  };
}
