import fs from "node:fs";
import path from "node:path";
import { PrismaBetterSqlite3 } from "@prisma/adapter-better-sqlite3";
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
  const db = new SqliteClient({ adapter: new PrismaBetterSqlite3({ url: file, timeout: 15_000 }), transactionOptions });
  // One connection per process: WAL lets readers run beside the writer; NORMAL keeps every committed
  // transaction across a process crash (only a power cut can lose the last ones).
  await db.$queryRawUnsafe("PRAGMA journal_mode = WAL");
  await db.$executeRawUnsafe("PRAGMA synchronous = NORMAL");
  await db.$executeRawUnsafe("PRAGMA foreign_keys = ON");
  await db.$executeRawUnsafe("PRAGMA busy_timeout = 15000");
  return db;
}

const globalForDb = globalThis as unknown as { laneswapDb?: Promise<Db> };

/** The process's shared client, created on first use. */
export function getDb(config: Pick<Config, "databaseUrl" | "provider">): Promise<Db> {
  globalForDb.laneswapDb ??= createDb(config);
  return globalForDb.laneswapDb;
}
