import type { Storage, StorageContext } from "../client/storage.js";

// "laneswap/sqlite": in-process mode on LaneSwap's own database, through the server's own storage code (Prisma,
// lib/services, the monitor's sweepStale). This module is light; the Prisma side (sqlite-engine) is loaded when
// the storage opens, so importing "laneswap" never loads Prisma.

export type SqliteStorageOptions = {
  /** The SQLite file (default ./data/laneswap.db, the server's default, so a server started later sees the same data). */
  path?: string;
  /** Or a full DATABASE_URL: `file:<path>`, or `postgresql://…` to keep the services in PostgreSQL. */
  databaseUrl?: string;
  /** Heartbeats kept per service (default 100). */
  historyHeartbeats?: number;
};

/** What the engine module exports (lib/embedded/sqlite-engine.ts; dist/embedded/sqlite-engine.js once built). */
export type SqliteEngineModule = {
  openSqliteEngine(options: SqliteStorageOptions, context: StorageContext): Promise<Storage>;
};

async function loadEngine(): Promise<SqliteEngineModule> {
  // From the sources (vitest, tsx) the engine is TypeScript; from dist it is the bundle built beside this file.
  // The specifier is computed so that tsc does not pull the Prisma side into the client build.
  const file = import.meta.url.endsWith(".ts") ? "./sqlite-engine.ts" : "./sqlite-engine.js";
  return (await import(/* @vite-ignore */ new URL(file, import.meta.url).href)) as SqliteEngineModule;
}

/** A Storage on LaneSwap's SQLite (or PostgreSQL) database; migrations are applied when it opens. */
export function sqliteStorage(options: SqliteStorageOptions = {}): Storage {
  let engine: Storage | undefined;
  const opened = (): Storage => {
    if (!engine) throw new Error("sqliteStorage: not open; pass it to heartbeatSystem({ storage }), which opens it");
    return engine;
  };
  return {
    async open(context) {
      const { openSqliteEngine } = await loadEngine();
      engine = await openSqliteEngine(options, context);
    },
    registerService: (input) => opened().registerService(input),
    recordHeartbeat: (serviceId, input) => opened().recordHeartbeat(serviceId, input),
    getService: (serviceId) => opened().getService(serviceId),
    listServices: () => opened().listServices(),
    markStale: () => opened().markStale(),
    nextDeadline: () => opened().nextDeadline(),
    async close() {
      const current = engine;
      engine = undefined;
      await current?.close();
    },
  };
}
