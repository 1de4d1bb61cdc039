import type { Ctx } from "./context";
import { nowOf } from "./context";

/** The compatible health answer plus whether the database answers. */
export async function checkHealth(ctx: Ctx) {
  let database: { status: "ok" | "unreachable"; provider: string; error?: string };
  try {
    await ctx.db.$queryRawUnsafe("SELECT 1");
    database = { status: "ok", provider: ctx.config.provider };
  } catch (error) {
    database = { status: "unreachable", provider: ctx.config.provider, error: (error as Error).message.slice(0, 200) };
  }
  return {
    status: database.status === "ok" ? "ok" : "degraded",
    service: "LaneSwap API",
    timestamp: nowOf(ctx).toISOString(),
    database,
  };
}
