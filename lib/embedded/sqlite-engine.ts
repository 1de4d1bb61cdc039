import path from "node:path";
import { fileURLToPath } from "node:url";
import type { StorageContext, Storage, FlipRecord } from "../client/storage.js";
import type { ServiceStatus } from "../client/types.js";
import { notFound } from "../client/storage.js";
import { LaneSwapError } from "../client/errors.js";
import { parseConfig, type Config } from "../config.js";
import type { FlipReason } from "../core/flip.js";
import { AppError, HTTP_STATUS } from "../core/errors.js";
import type { Status } from "../core/status.js";
import { createDb } from "../db/client.js";
import { applyMigrations, loadMigrations, migrationsDir } from "../db/migrate.js";
import { nextDeadline, sweepStale } from "../monitor/sweep-stale.js";
import type { Ctx } from "../services/context.js";
import { getService } from "../services/get-service.js";
import { recordHeartbeat } from "../services/record-heartbeat.js";
import { registerService } from "../services/register-service.js";
import { toServiceView } from "../services/service-view.js";
import type { SqliteEngineModule, SqliteStorageOptions } from "./sqlite.js";

// The Prisma side of "laneswap/sqlite": the Storage interface over the server's own operations. Bundled to
// dist/embedded/sqlite-engine.js by lib/client/build-dist.mjs.

/** The package root: this file is lib/embedded/sqlite-engine.ts or dist/embedded/sqlite-engine.js. */
function packageRoot(): string {
  return path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");
}

/** The server's errors as the client's, so in-process calls fail the way remote ones do. */
function asClientError(error: unknown): unknown {
  if (error instanceof AppError) {
    return new LaneSwapError({ status: HTTP_STATUS[error.code], code: error.code, detail: error.message, fields: error.fields });
  }
  return error;
}

async function mapped<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    throw asClientError(error);
  }
}

export const openSqliteEngine: SqliteEngineModule["openSqliteEngine"] = async (options: SqliteStorageOptions, context: StorageContext): Promise<Storage> => {
  const databaseUrl = options.databaseUrl ?? `file:${path.resolve(options.path ?? path.join("data", "laneswap.db"))}`;
  const env: Record<string, string> = { DATABASE_URL: databaseUrl };
  if (options.historyHeartbeats !== undefined) env.HISTORY_HEARTBEATS = String(options.historyHeartbeats);
  const parsed = parseConfig(env);
  // The system's threshold may be fractional (short tests); flapping is the server's business, not ours.
  const config: Config = {
    ...parsed,
    staleThresholdSeconds: context.staleThreshold,
    alerts: { ...parsed.alerts, flapThreshold: 0 },
  };
  await applyMigrations({
    provider: config.provider,
    databaseUrl: config.databaseUrl,
    migrations: loadMigrations(migrationsDir(config.provider, packageRoot())),
  });
  const db = await createDb(config);
  const ctxAt = (at: Date): Ctx => ({ db, config, now: () => at });

  const viewOf = async (ctx: Ctx, id: string): Promise<ServiceStatus> => {
    const row = await db.service.findUnique({ where: { id } });
    if (!row) throw notFound(id);
    return toServiceView(ctx, row);
  };

  return {
    async open() {},
    registerService: (input) => mapped(async () => void (await registerService(ctxAt(context.now()), input))),
    recordHeartbeat: (serviceId, input) =>
      mapped(async () => {
        const at = context.now();
        const ctx = ctxAt(at);
        const service = await recordHeartbeat(ctx, { id: serviceId, input: { ...input, status: input.status } });
        // The transaction writes the heartbeat event, then the flip event when the status changed: a flip is
        // this heartbeat's when it is the newest event.
        const last = service.events?.at(-1);
        const flipped = last?.type === "flip" && last.timestamp === at.toISOString();
        const flip: FlipRecord | null = flipped
          ? {
              service: { ...service, events: undefined },
              flip: { from: last.from as Status, to: last.status, reason: (last.reason ?? "heartbeat") as FlipReason },
              at: last.timestamp,
            }
          : null;
        if (flip) delete flip.service.events;
        return { service, flip };
      }),
    getService: (serviceId) => mapped(() => getService(ctxAt(context.now()), { id: serviceId })),
    listServices: () =>
      mapped(async () => {
        const ctx = ctxAt(context.now());
        const rows = await db.service.findMany({ orderBy: { id: "asc" } });
        return rows.map((row) => toServiceView(ctx, row));
      }),
    markStale: () =>
      mapped(async () => {
        const at = context.now();
        const ctx = ctxAt(at);
        const result = await sweepStale(ctx);
        if (result.marked === 0) return [];
        const flips = await db.event.findMany({ where: { type: "flip", reason: "stale", at }, orderBy: { id: "asc" } });
        return Promise.all(
          flips.map(async (event) => ({
            service: await viewOf(ctx, event.serviceId),
            flip: { from: event.fromStatus as Status, to: "stale" as const, reason: "stale" as const },
            at: at.toISOString(),
          })),
        );
      }),
    nextDeadline: () => mapped(() => nextDeadline(ctxAt(context.now()))),
    close: async () => {
      await db.$disconnect();
    },
  };
};
