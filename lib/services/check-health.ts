import type { Ctx } from "./context";
import { nowOf } from "./context";
import { monitorHealth, type MonitorHealth } from "./worker-liveness";

/** The compatible health answer plus whether the database answers. */
export async function checkHealth(ctx: Ctx) {
  let database: { status: "ok" | "unreachable"; provider: string; error?: string };
  let worker: MonitorHealth | { status: "unknown" };
  try {
    worker = await monitorHealth(ctx);
    database = { status: "ok", provider: ctx.config.provider };
  } catch (error) {
    worker = { status: "unknown" };
    database = { status: "unreachable", provider: ctx.config.provider, error: (error as Error).message.slice(0, 200) };
  }
  return {
    status: database.status === "ok" ? "ok" : "degraded",
    service: "LaneSwap API",
    timestamp: nowOf(ctx).toISOString(),
    database,
    // The monitor worker: "stale" means it stopped sweeping (stale detection and notifications are not running).
    worker,
  };
}
