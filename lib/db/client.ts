import fs from "node:fs";
import path from "node:path";
import { PrismaBetterSqlite3 } from "@prisma/adapter-better-sqlite3";
import type BetterSqlite3 from "better-sqlite3";
import { PrismaPg } from "@prisma/adapter-pg";
import type { Config } from "../config";
import { PrismaClient as SqliteClient } from "./generated/sqlite/client";
import { PrismaClient as PostgresClient } from "./generated/postgresql/client";

// Both generated clients have the same model API (the schemas differ only in the provider), so the rest of the
// code is written against one type.
export type Db = SqliteClient;
export type Provider = Config["provider"];

export function sqliteFilePath(databaseUrl: string): string {
  return databaseUrl.replace(/^file:/, "").replace(/\?.*$/, "");
}

// Under a burst, a transaction may queue for a connection (PostgreSQL) or the write lock (SQLite) well past
// Prisma's 2 s default before it starts; waiting is right, failing the request is not.
const transactionOptions = { maxWait: 15_000, timeout: 20_000 };

export async function createDb(config: Pick<Config, "databaseUrl" | "provider">): Promise<Db> {
  if (config.provider === "postgresql") {
    const adapter = new PrismaPg({ connectionString: config.databaseUrl, max: 10 });
    return new PostgresClient({ adapter, transactionOptions }) as unknown as Db;
  }
  const file = sqliteFilePath(config.databaseUrl);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const adapter = capturingConnection(new PrismaBetterSqlite3({ url: file, timeout: 15_000 }));
  const db = new SqliteClient({ adapter: adapter.factory, transactionOptions });
  // One connection per process: WAL lets readers run beside the writer; NORMAL keeps every committed
  // transaction across a process crash (only a power cut can lose the last ones).
  await db.$queryRawUnsafe("PRAGMA journal_mode = WAL");
  await db.$executeRawUnsafe("PRAGMA synchronous = NORMAL");
  await db.$executeRawUnsafe("PRAGMA foreign_keys = ON");
  await db.$executeRawUnsafe("PRAGMA busy_timeout = 15000");
  (db as unknown as Record<symbol, unknown>)[CONNECTION] = adapter.connection;
  return db;
}

type SqliteFactory = Pick<PrismaBetterSqlite3, "provider" | "adapterName" | "connect" | "connectToShadowDb">;
// A registered symbol, not a module-level map: Next.js may bundle this module more than once, and the client
// created by one copy is used through another.
const CONNECTION = Symbol.for("laneswap.sqliteConnection");

/**
 * The better-sqlite3 connection under a SQLite client, or null (PostgreSQL, or not connected). It is the very
 * connection Prisma uses, so statements run on it see and take the same locks; run only synchronous transactions on
 * it and only while `inTransaction` is false (Prisma's interactive transactions hold it across awaits).
 */
export function sqliteConnection(db: Db): BetterSqlite3.Database | null {
  const connection = (db as unknown as Record<symbol, (() => BetterSqlite3.Database | null) | undefined>)[CONNECTION]?.();
  return connection?.open ? connection : null;
}

// Prisma's adapter keeps its better-sqlite3 handle on the adapter it returns from connect(); this factory hands
// Prisma that adapter unchanged and remembers the handle.
function capturingConnection(inner: PrismaBetterSqlite3): { factory: SqliteFactory; connection: () => BetterSqlite3.Database | null } {
  let current: BetterSqlite3.Database | null = null;
  const factory: SqliteFactory = {
    provider: inner.provider,
    adapterName: inner.adapterName,
    connect: async () => {
      const adapter = await inner.connect();
      current = (adapter as unknown as { client: BetterSqlite3.Database }).client;
      return adapter;
    },
    connectToShadowDb: () => inner.connectToShadowDb(),
  };
  return { factory, connection: () => current };
}

const globalForDb = globalThis as unknown as { laneswapDb?: Promise<Db> };

/** The process's shared client, created on first use. */
export function getDb(config: Pick<Config, "databaseUrl" | "provider">): Promise<Db> {
  globalForDb.laneswapDb ??= createDb(config);
  return globalForDb.laneswapDb;
}
