import { createHash, randomUUID } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import Database from "better-sqlite3";
import pg from "pg";
import type { Provider } from "./client";
import { sqliteFilePath } from "./client";

// Applies prisma/<provider>/migrations the way `prisma migrate deploy` does, recording them in the same
// `_prisma_migrations` table, so the real Prisma CLI can take over on any machine that has it. Applying is
// idempotent and serialized: PostgreSQL takes an advisory lock, SQLite a write lock, so two processes starting at
// once against one database apply each migration exactly once.

export type Migration = { name: string; sql: string; checksum: string };

const MIGRATIONS_TABLE = {
  sqlite: `CREATE TABLE IF NOT EXISTS "_prisma_migrations" ("id" TEXT PRIMARY KEY NOT NULL, "checksum" TEXT NOT NULL,
    "finished_at" DATETIME, "migration_name" TEXT NOT NULL, "logs" TEXT, "rolled_back_at" DATETIME,
    "started_at" DATETIME NOT NULL DEFAULT current_timestamp, "applied_steps_count" INTEGER UNSIGNED NOT NULL DEFAULT 0)`,
  postgresql: `CREATE TABLE IF NOT EXISTS "_prisma_migrations" ("id" VARCHAR(36) PRIMARY KEY NOT NULL,
    "checksum" VARCHAR(64) NOT NULL, "finished_at" TIMESTAMPTZ, "migration_name" VARCHAR(255) NOT NULL, "logs" TEXT,
    "rolled_back_at" TIMESTAMPTZ, "started_at" TIMESTAMPTZ NOT NULL DEFAULT now(),
    "applied_steps_count" INTEGER NOT NULL DEFAULT 0)`,
};
// Any constant: the key of the advisory lock that serializes migrations on PostgreSQL.
const PG_LOCK_KEY = 7_265_731_002;

export function migrationsDir(provider: Provider, root = process.cwd()): string {
  return path.join(root, "prisma", provider, "migrations");
}

export function loadMigrations(dir: string): Migration[] {
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .filter((d) => d.isDirectory() && fs.existsSync(path.join(dir, d.name, "migration.sql")))
    .map((d) => d.name)
    .sort()
    .map((name) => {
      const sql = fs.readFileSync(path.join(dir, name, "migration.sql"), "utf8");
      return { name, sql, checksum: createHash("sha256").update(sql).digest("hex") };
    });
}

/** Applies what is missing; returns the names applied by this call. */
export async function applyMigrations(options: {
  provider: Provider;
  databaseUrl: string;
  migrations?: Migration[];
}): Promise<string[]> {
  const migrations = options.migrations ?? loadMigrations(migrationsDir(options.provider));
  return options.provider === "sqlite"
    ? applySqlite(sqliteFilePath(options.databaseUrl), migrations)
    : applyPostgres(options.databaseUrl, migrations);
}

function pending(migrations: Migration[], applied: { migration_name: string; checksum: string }[]): Migration[] {
  const byName = new Map(applied.map((a) => [a.migration_name, a.checksum]));
  for (const m of migrations) {
    const checksum = byName.get(m.name);
    if (checksum && checksum !== m.checksum) {
      console.warn(`[laneswap] migration ${m.name} was changed after it was applied; leaving it as it is`);
    }
  }
  return migrations.filter((m) => !byName.has(m.name));
}

function applySqlite(file: string, migrations: Migration[]): string[] {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const db = new Database(file, { timeout: 30_000 });
  try {
    db.pragma("journal_mode = WAL");
    // A migration that rebuilds a table (Prisma's "RedefineTables") turns foreign keys off around its DROP TABLE,
    // but SQLite ignores that PRAGMA inside a transaction: with them on (better-sqlite3's default), dropping the
    // old table would cascade-delete every row that references it. So they are off for the whole run, and checked
    // before committing.
    db.pragma("foreign_keys = OFF");
    const run = db.transaction(() => {
      db.exec(MIGRATIONS_TABLE.sqlite);
      const applied = db
        .prepare(`SELECT migration_name, checksum FROM "_prisma_migrations" WHERE rolled_back_at IS NULL`)
        .all() as { migration_name: string; checksum: string }[];
      const todo = pending(migrations, applied);
      const record = db.prepare(
        `INSERT INTO "_prisma_migrations" (id, checksum, migration_name, started_at, finished_at, applied_steps_count)
         VALUES (?, ?, ?, ?, ?, 1)`,
      );
      for (const m of todo) {
        const started = new Date().toISOString();
        db.exec(m.sql);
        record.run(randomUUID(), m.checksum, m.name, started, new Date().toISOString());
      }
      const violations = db.pragma("foreign_key_check") as unknown[];
      if (violations.length) throw new Error(`migrations would leave ${violations.length} foreign key violations: ${JSON.stringify(violations.slice(0, 5))}`);
      return todo.map((m) => m.name);
    });
    return run.immediate();
  } finally {
    db.close();
  }
}

async function applyPostgres(url: string, migrations: Migration[]): Promise<string[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query("BEGIN");
    await client.query("SELECT pg_advisory_xact_lock($1)", [PG_LOCK_KEY]);
    await client.query(MIGRATIONS_TABLE.postgresql);
    const { rows } = await client.query(
      `SELECT migration_name, checksum FROM "_prisma_migrations" WHERE rolled_back_at IS NULL`,
    );
    const todo = pending(migrations, rows);
    for (const m of todo) {
      const started = new Date();
      await client.query(m.sql);
      await client.query(
        `INSERT INTO "_prisma_migrations" (id, checksum, migration_name, started_at, finished_at, applied_steps_count)
         VALUES ($1, $2, $3, $4, now(), 1)`,
        [randomUUID(), m.checksum, m.name, started],
      );
    }
    await client.query("COMMIT");
    return todo.map((m) => m.name);
  } catch (error) {
    await client.query("ROLLBACK").catch(() => {});
    throw error;
  } finally {
    await client.end();
  }
}
