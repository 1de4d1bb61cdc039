import os from "node:os";
import type { Ctx } from "./context";
import { nowOf } from "./context";

/** Records that this worker swept just now. */
export async function recordWorkerSweep(ctx: Ctx, { workerId, startedAt }: { workerId: string; startedAt: Date }): Promise<void> {
  const now = nowOf(ctx);
  await ctx.db.worker.upsert({
    where: { id: workerId },
    create: { id: workerId, hostname: os.hostname(), pid: process.pid, startedAt, lastSweepAt: now },
    update: { lastSweepAt: now },
  });
}

export async function forgetWorker(ctx: Ctx, { workerId }: { workerId: string }): Promise<void> {
  await ctx.db.worker.deleteMany({ where: { id: workerId } });
}

export type MonitorHealth = {
  status: "ok" | "stale" | "none";
  last_sweep_at: string | null;
  workers: number;
  stale_after_seconds: number;
};

/** Whether a worker swept within WORKER_STALE_AFTER_SECONDS; rows of long-gone workers are cleared. */
export async function monitorHealth(ctx: Ctx): Promise<MonitorHealth> {
  const now = nowOf(ctx);
  const staleAfterMs = ctx.config.workerStaleAfterSeconds * 1000;
  const workers = await ctx.db.worker.findMany({ orderBy: { lastSweepAt: "desc" } });
  const latest = workers[0]?.lastSweepAt ?? null;
  const alive = workers.filter((w) => now.getTime() - w.lastSweepAt.getTime() <= staleAfterMs);
  return {
    status: !latest ? "none" : alive.length > 0 ? "ok" : "stale",
    last_sweep_at: latest?.toISOString() ?? null,
    workers: alive.length,
    stale_after_seconds: ctx.config.workerStaleAfterSeconds,
  };
}
