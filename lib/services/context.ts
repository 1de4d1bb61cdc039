import type { Config } from "../config";
import type { Db } from "../db/client";

/** What every operation over the database needs; `now` is injectable so tests can control the clock. */
export type Ctx = { db: Db; config: Config; now?: () => Date };

export function nowOf(ctx: Ctx): Date {
  return ctx.now ? ctx.now() : new Date();
}

export function thresholdOf(ctx: Ctx, staleThreshold: number | null): number {
  return staleThreshold ?? ctx.config.staleThresholdSeconds;
}
