import fs from "node:fs";
import path from "node:path";
import { PrismaBetterSqlite3 } from "@prisma/adapter-better-sqlite3";
import type BetterSqlite3 from "better-sqlite3";
import { PrismaPg } from "@prisma/adapter-pg";
import type pg from "pg";
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
    const adapter = new PrismaPg({ connectionString: config.databaseUrl, max: 10 }) as unknown as AdapterFactory;
    return withDriver(adapter, (factory) => new PostgresClient({ adapter: factory as unknown as PrismaPg, transactionOptions }) as unknown as Db);
  }
  const file = sqliteFilePath(config.databaseUrl);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const adapter = new PrismaBetterSqlite3({ url: file, timeout: 15_000 });
  const db = withDriver(adapter, (factory) => new SqliteClient({ adapter: factory as unknown as PrismaBetterSqlite3, transactionOptions }));
  // One connection per process: WAL lets readers run beside the writer; NORMAL keeps every committed
  // transaction across a process crash (only a power cut can lose the last ones).
  await db.$queryRawUnsafe("PRAGMA journal_mode = WAL");
  await db.$executeRawUnsafe("PRAGMA synchronous = NORMAL");
  await db.$executeRawUnsafe("PRAGMA foreign_keys = ON");
  await db.$executeRawUnsafe("PRAGMA busy_timeout = 15000");
  return db;
}

// The driver under Prisma, for the hot statements worth writing by hand (lib/services/record-heartbeat-*.ts).
// Kept under a registered symbol, not in a module-level map: Next.js may bundle this module more than once, and
// the client created by one copy is used through another.
const DRIVER = Symbol.for("laneswap.driver");
type Driver = { sqlite: BetterSqlite3.Database | null; pool: pg.Pool | null };

function driverOf(db: Db): Driver | undefined {
  return (db as unknown as Record<symbol, Driver | undefined>)[DRIVER];
}

/**
 * The better-sqlite3 connection under a SQLite client, or null (PostgreSQL, or not connected). It is the very
 * connection Prisma uses, so statements run on it see and take the same locks; run only synchronous transactions on
 * it and only while `inTransaction` is false (Prisma's interactive transactions hold it across awaits).
 */
export function sqliteConnection(db: Db): BetterSqlite3.Database | null {
  const connection = driverOf(db)?.sqlite;
  return connection?.open ? connection : null;
}

/** The node-postgres pool under a PostgreSQL client (Prisma's own), or null (SQLite, or not connected yet). */
export function pgPool(db: Db): pg.Pool | null {
  return driverOf(db)?.pool ?? null;
}

type AdapterFactory = Pick<PrismaBetterSqlite3, "provider" | "adapterName" | "connect" | "connectToShadowDb">;

// Prisma's adapters keep their driver handle on the adapter they return from connect(); this factory hands Prisma
// that adapter unchanged and remembers the handle.
function withDriver<C>(inner: AdapterFactory, build: (factory: AdapterFactory) => C): C {
  const driver: Driver = { sqlite: null, pool: null };
  const factory: AdapterFactory = {
    provider: inner.provider,
    adapterName: inner.adapterName,
    connect: async () => {
      const adapter = await inner.connect();
      if (inner.provider === "sqlite") driver.sqlite = (adapter as unknown as { client: BetterSqlite3.Database }).client;
      else driver.pool = (adapter as unknown as { underlyingDriver(): pg.Pool }).underlyingDriver();
      return adapter;
    },
    connectToShadowDb: () => inner.connectToShadowDb(),
  };
  const client = build(factory);
  (client as unknown as Record<symbol, Driver>)[DRIVER] = driver;
  return client;
}

const globalForDb = globalThis as unknown as { laneswapDb?: Promise<Db> };

/** The process's shared client, created on first use. */
export function getDb(config: Pick<Config, "databaseUrl" | "provider">): Promise<Db> {
  globalForDb.laneswapDb ??= createDb(config);
  return globalForDb.laneswapDb;
}
