import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import Database from "better-sqlite3";
import pg from "pg";
import { uuidv7 } from "uuidv7";
import { afterAll, describe, expect, it, vi } from "vitest";
import { createDb, sqliteFilePath, type Db } from "../../lib/db/client";
import { applyMigrations, loadMigrations, migrationsDir, type Migration } from "../../lib/db/migrate";
import { diffSchemas, diffSqliteDatabaseToSchema, schemaPath } from "../../lib/db/schema-engine";
import { PROVIDERS, createDatabase, type Provider, type TestDatabase } from "./harness";

// lib/db/migrate.ts against real databases: it applies prisma/<provider>/migrations exactly once (also when
// several callers race), records them the way Prisma does, and the migrated tables are exactly the schema.

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");

const databases: TestDatabase[] = [];
async function freshDatabase(provider: Provider): Promise<TestDatabase> {
  const db = await createDatabase(provider);
  databases.push(db);
  return db;
}
const clients: Db[] = [];
afterAll(async () => {
  await Promise.all(clients.map((c) => c.$disconnect().catch(() => {})));
  await Promise.all(databases.map((d) => d.drop()));
});

/** Names and checksums straight from the folders, computed here rather than by the code under test. */
function migrationFiles(provider: Provider): { name: string; checksum: string }[] {
  const dir = path.join(ROOT, "prisma", provider, "migrations");
  return fs
    .readdirSync(dir)
    .filter((name) => fs.existsSync(path.join(dir, name, "migration.sql")))
    .sort()
    .map((name) => ({
      name,
      checksum: createHash("sha256").update(fs.readFileSync(path.join(dir, name, "migration.sql"))).digest("hex"),
    }));
}

type MigrationRow = {
  migration_name: string;
  checksum: string;
  finished_at: unknown;
  rolled_back_at: unknown;
  applied_steps_count: number;
};

/** Runs a query on the test database with a plain driver (not the code under test). */
async function query<T>(db: TestDatabase, sql: string): Promise<T[]> {
  if (db.provider === "sqlite") {
    const conn = new Database(sqliteFilePath(db.url), { readonly: true });
    try {
      return conn.prepare(sql).all() as T[];
    } finally {
      conn.close();
    }
  }
  const client = new pg.Client({ connectionString: db.url });
  await client.connect();
  try {
    return (await client.query(sql)).rows as T[];
  } finally {
    await client.end();
  }
}

const migrationRows = (db: TestDatabase) =>
  query<MigrationRow>(
    db,
    `SELECT migration_name, checksum, finished_at, rolled_back_at, applied_steps_count FROM "_prisma_migrations" ORDER BY migration_name`,
  );

async function tableNames(db: TestDatabase): Promise<string[]> {
  const rows =
    db.provider === "sqlite"
      ? await query<{ name: string }>(db, `SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'`)
      : await query<{ name: string }>(db, `SELECT table_name AS name FROM information_schema.tables WHERE table_schema = 'public'`);
  return rows.map((r) => r.name).sort();
}

/** Every migration recorded exactly once, finished, with the checksum of its file. */
async function expectEachMigrationRecordedOnce(db: TestDatabase): Promise<void> {
  const files = migrationFiles(db.provider);
  const rows = await migrationRows(db);
  expect(rows.map((r) => r.migration_name)).toEqual(files.map((f) => f.name));
  for (const [i, row] of rows.entries()) {
    expect(row.checksum).toBe(files[i].checksum);
    expect(row.checksum).toMatch(/^[0-9a-f]{64}$/);
    expect(row.finished_at).not.toBeNull();
    expect(row.rolled_back_at).toBeNull();
    expect(Number(row.applied_steps_count)).toBe(1);
  }
}

describe.each(PROVIDERS)("applyMigrations on %s", (provider) => {
  it("applies every migration on a fresh database, then nothing on a second call", async () => {
    const db = await freshDatabase(provider);
    const files = migrationFiles(provider);
    expect(files.length).toBeGreaterThan(0);

    const applied = await applyMigrations({ provider, databaseUrl: db.url });
    expect(applied).toEqual(files.map((f) => f.name));
    expect(await applyMigrations({ provider, databaseUrl: db.url })).toEqual([]);

    await expectEachMigrationRecordedOnce(db);
    expect(await tableNames(db)).toEqual(["_prisma_migrations", ...parseModels(readSchema(provider)).map((m) => m.table)].sort());
  });

  it("loadMigrations reads the folders in order with sha256 checksums of the files", () => {
    const loaded = loadMigrations(migrationsDir(provider, ROOT));
    expect(loaded.map((m) => ({ name: m.name, checksum: m.checksum }))).toEqual(migrationFiles(provider));
  });

  it("applies only a migration added later, and leaves an edited one alone", async () => {
    const db = await freshDatabase(provider);
    const current = loadMigrations(migrationsDir(provider, ROOT));
    await applyMigrations({ provider, databaseUrl: db.url });

    const extra: Migration = migration("29991231000000_extra", `CREATE TABLE "extra_table" ("id" INTEGER NOT NULL PRIMARY KEY);`);
    expect(await applyMigrations({ provider, databaseUrl: db.url, migrations: [...current, extra] })).toEqual([extra.name]);
    expect(await tableNames(db)).toContain("extra_table");

    // An applied migration whose file changed since is not applied again (Prisma would refuse; we warn).
    const edited = current.map((m, i) => (i === 0 ? migration(m.name, m.sql + "\n-- edited\n") : m));
    const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
    try {
      expect(await applyMigrations({ provider, databaseUrl: db.url, migrations: [...edited, extra] })).toEqual([]);
      expect(warn).toHaveBeenCalledTimes(1);
      expect(String(warn.mock.calls[0][0])).toContain(current[0].name);
    } finally {
      warn.mockRestore();
    }
    const rows = await migrationRows(db);
    expect(rows.map((r) => r.migration_name)).toEqual([...current.map((m) => m.name), extra.name]);
    expect(rows.at(-1)!.checksum).toBe(extra.checksum);
  });

  it("a failing migration is rolled back whole and recorded nowhere; a later run applies everything", async () => {
    const db = await freshDatabase(provider);
    const current = loadMigrations(migrationsDir(provider, ROOT));
    const broken = migration(
      "29991231000000_broken",
      `CREATE TABLE "half_done" ("id" INTEGER NOT NULL PRIMARY KEY);\nINSERT INTO "no_such_table" VALUES (1);`,
    );
    await expect(applyMigrations({ provider, databaseUrl: db.url, migrations: [...current, broken] })).rejects.toThrow(/no_such_table/);
    expect(await tableNames(db)).not.toContain("half_done");
    expect(await tableNames(db)).not.toContain("services");

    expect(await applyMigrations({ provider, databaseUrl: db.url })).toEqual(current.map((m) => m.name));
    await expectEachMigrationRecordedOnce(db);
  });
});

describe.each(PROVIDERS)("a migration that would break a foreign key on %s", (provider) => {
  it("is refused and rolled back", async () => {
    const db = await freshDatabase(provider);
    const current = loadMigrations(migrationsDir(provider, ROOT));
    await applyMigrations({ provider, databaseUrl: db.url });
    const orphan = migration(
      "29991231000000_orphan",
      `INSERT INTO "events" ("id", "service_id", "type", "status", "at") VALUES ('e1', 'no-such-service', 'heartbeat', 'healthy', '2026-01-01 00:00:00');`,
    );
    await expect(applyMigrations({ provider, databaseUrl: db.url, migrations: [...current, orphan] })).rejects.toThrow(/foreign key/i);
    expect((await migrationRows(db)).map((r) => r.migration_name)).toEqual(current.map((m) => m.name));
    expect(await query(db, `SELECT "id" FROM "events"`)).toEqual([]);
  });
});

function migration(name: string, sql: string): Migration {
  return { name, sql, checksum: createHash("sha256").update(sql).digest("hex") };
}

describe("concurrent applyMigrations", () => {
  it("4 calls at once in one process against one fresh PostgreSQL database apply each migration once", async () => {
    const db = await freshDatabase("postgresql");
    const results = await Promise.all(
      Array.from({ length: 4 }, () => applyMigrations({ provider: "postgresql", databaseUrl: db.url })),
    );
    const names = migrationFiles("postgresql").map((f) => f.name);
    // Exactly one caller applied each migration; the others found it done.
    expect(results.flat().sort()).toEqual(names);
    expect(results.filter((r) => r.length > 0)).toHaveLength(1);
    await expectEachMigrationRecordedOnce(db);
  });

  it.each(PROVIDERS)("3 processes at once against one fresh %s database apply each migration once", async (provider) => {
    const db = await freshDatabase(provider);
    const results = await runMigratingProcesses(db, 3);
    const names = migrationFiles(provider).map((f) => f.name);
    expect(results.flat().sort()).toEqual(names);
    await expectEachMigrationRecordedOnce(db);
  });
});

/**
 * Starts `count` Node processes that each call applyMigrations on the database. They load the code first, report
 * "ready", and all call it when told "go" on stdin, so the calls really overlap. Returns what each one applied.
 */
async function runMigratingProcesses(db: TestDatabase, count: number): Promise<string[][]> {
  const script = path.join(db.dataDir, "apply-migrations.mts");
  fs.writeFileSync(
    script,
    [
      `import { applyMigrations } from ${JSON.stringify(path.join(ROOT, "lib/db/migrate.ts"))};`,
      `import readline from "node:readline";`,
      `process.stdout.write("ready\\n");`,
      `const rl = readline.createInterface({ input: process.stdin });`,
      `for await (const line of rl) if (line === "go") break;`,
      `rl.close();`,
      `const applied = await applyMigrations({ provider: process.env.TEST_PROVIDER, databaseUrl: process.env.TEST_DATABASE_URL });`,
      `process.stdout.write("applied " + JSON.stringify(applied) + "\\n");`,
      `process.exit(0);`,
    ].join("\n"),
  );
  const children = Array.from({ length: count }, () => {
    const child = spawn(process.execPath, ["--import", "tsx", script], {
      cwd: ROOT,
      env: { ...process.env, TEST_PROVIDER: db.provider, TEST_DATABASE_URL: db.url },
      stdio: ["pipe", "pipe", "pipe"],
    });
    let out = "";
    let err = "";
    child.stdout.on("data", (d) => (out += d));
    child.stderr.on("data", (d) => (err += d));
    const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
    const ready = new Promise<void>((resolve, reject) => {
      child.stdout.on("data", () => out.includes("ready\n") && resolve());
      void exited.then((code) => reject(new Error(`migrating process exited (${code}) before it was ready:\n${out}\n${err}`)));
    });
    return { child, exited, ready, out: () => out, err: () => err };
  });
  try {
    await Promise.all(children.map((c) => c.ready));
    for (const c of children) c.child.stdin.write("go\n");
    const codes = await Promise.all(children.map((c) => c.exited));
    return children.map((c, i) => {
      expect(codes[i], `process ${i} failed:\n${c.out()}\n${c.err()}`).toBe(0);
      const line = /^applied (.*)$/m.exec(c.out());
      expect(line, `process ${i} printed no result:\n${c.out()}\n${c.err()}`).not.toBeNull();
      return JSON.parse(line![1]) as string[];
    });
  } finally {
    for (const c of children) if (c.child.exitCode === null && c.child.signalCode === null) c.child.kill("SIGKILL");
  }
}

describe("the migrations produce exactly the schema", () => {
  it("SQLite: Prisma's engine finds no difference between the migrated database and schema.prisma", async () => {
    const db = await freshDatabase("sqlite");
    await applyMigrations({ provider: "sqlite", databaseUrl: db.url });
    const schema = fs.readFileSync(schemaPath("sqlite", ROOT), "utf8");
    expect(await diffSqliteDatabaseToSchema(db.url, schema)).toBe("");

    // The check can fail: a database that drifted from the schema answers with the SQL that repairs it.
    const conn = new Database(sqliteFilePath(db.url));
    conn.exec(`DROP INDEX "events_type_at_idx"`);
    conn.close();
    expect(await diffSqliteDatabaseToSchema(db.url, schema)).toMatch(/CREATE INDEX "events_type_at_idx"/);
  }, 120_000);

  it("PostgreSQL: the migrated database has the same tables, columns, indexes and constraints as one built from schema.prisma", async () => {
    const migrated = await freshDatabase("postgresql");
    await applyMigrations({ provider: "postgresql", databaseUrl: migrated.url });

    const direct = await freshDatabase("postgresql");
    const sql = await diffSchemas(null, fs.readFileSync(schemaPath("postgresql", ROOT), "utf8"));
    expect(sql).toMatch(/CREATE TABLE/);
    const client = new pg.Client({ connectionString: direct.url });
    await client.connect();
    try {
      await client.query(sql);
    } finally {
      await client.end();
    }

    const [a, b] = await Promise.all([pgCatalog(migrated), pgCatalog(direct)]);
    expect(a.columns.length).toBeGreaterThan(0);
    expect(a.indexes.length).toBeGreaterThan(0);
    expect(a).toEqual(b);
  }, 120_000);
});

/** The public schema's shape, leaving out the migrations table itself. */
async function pgCatalog(db: TestDatabase) {
  const columns = await query(
    db,
    `SELECT table_name, column_name, ordinal_position, data_type, udt_name, is_nullable, column_default,
            character_maximum_length, numeric_precision, datetime_precision
     FROM information_schema.columns
     WHERE table_schema = 'public' AND table_name <> '_prisma_migrations'
     ORDER BY table_name, ordinal_position`,
  );
  const indexes = await query(
    db,
    `SELECT tablename, indexname, indexdef FROM pg_indexes
     WHERE schemaname = 'public' AND tablename <> '_prisma_migrations' ORDER BY indexname`,
  );
  const constraints = await query(
    db,
    `SELECT c.conrelid::regclass::text AS table_name, c.conname, c.contype, pg_get_constraintdef(c.oid) AS definition
     FROM pg_constraint c JOIN pg_namespace n ON n.oid = c.connamespace
     WHERE n.nspname = 'public' AND c.conrelid::regclass::text <> '"_prisma_migrations"' AND c.conrelid::regclass::text <> '_prisma_migrations'
     ORDER BY c.conname`,
  );
  const enums = await query(db, `SELECT t.typname FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace WHERE n.nspname = 'public' AND t.typtype = 'e' ORDER BY 1`);
  return { columns, indexes, constraints, enums };
}

describe.each(PROVIDERS)("every model round-trips through the migrated %s tables", (provider) => {
  async function migratedClient(): Promise<Db> {
    const db = await freshDatabase(provider);
    await applyMigrations({ provider, databaseUrl: db.url });
    const client = await createDb({ provider, databaseUrl: db.url });
    clients.push(client);
    return client;
  }

  const at = (iso: string) => new Date(iso);
  const metadata = {
    region: "eu-west-1",
    unicode: "Grüße, 世界 — ☃ 🚀",
    quotes: `she said "hi" \\ back\nslash`,
    count: 42,
    ratio: 0.125,
    negative: -7,
    enabled: true,
    disabled: false,
    nothing: null,
    list: [1, "two", null, false, { three: 3 }],
    nested: { level1: { level2: { deep: ["ü", { k: "v" }] } }, empty: {}, emptyList: [] },
  };

  it("Service: every field set, nullable fields null, defaults; update; delete", async () => {
    const db = await migratedClient();
    const full = {
      id: "svc-full.1:a",
      name: "Zahlungsdienst — 支付服务 🚀",
      status: "degraded",
      message: "Latency high: p99 = 1.2 s ✓",
      metadata,
      createdAt: at("2026-01-02T03:04:05.678Z"),
      updatedAt: at("2026-01-02T03:04:06.001Z"),
      lastHeartbeat: at("2026-01-02T03:04:05.999Z"),
      staleThreshold: 86_400,
      paused: true,
      deadline: at("2026-01-03T03:04:05.999Z"),
      beatCount: 2_000_000_000,
    };
    await db.service.create({ data: full });
    const readFull = await db.service.findUniqueOrThrow({ where: { id: full.id } });
    expectSameFields(readFull, { ...full });

    const minimal = { id: "svc-minimal", name: "m", metadata: {}, createdAt: at("1999-12-31T23:59:59.999Z"), updatedAt: at("2000-01-01T00:00:00.000Z") };
    await db.service.create({ data: minimal });
    const readMinimal = await db.service.findUniqueOrThrow({ where: { id: minimal.id } });
    expectSameFields(readMinimal, {
      ...minimal,
      status: "unknown",
      message: null,
      lastHeartbeat: null,
      staleThreshold: null,
      paused: false,
      deadline: null,
      beatCount: 0,
    });

    // Update every kind of field, nullable ones back to null.
    const updated = await db.service.update({
      where: { id: full.id },
      data: {
        name: "renamed",
        status: "healthy",
        message: null,
        metadata: { replaced: { with: ["this"] } },
        updatedAt: at("2026-06-30T12:00:00.123Z"),
        lastHeartbeat: null,
        staleThreshold: null,
        paused: false,
        deadline: null,
        beatCount: { increment: 1 },
      },
    });
    const expected = {
      ...full,
      name: "renamed",
      status: "healthy",
      message: null,
      metadata: { replaced: { with: ["this"] } },
      updatedAt: at("2026-06-30T12:00:00.123Z"),
      lastHeartbeat: null,
      staleThreshold: null,
      paused: false,
      deadline: null,
      beatCount: 2_000_000_001,
    };
    expectSameFields(updated, expected);
    expectSameFields(await db.service.findUniqueOrThrow({ where: { id: full.id } }), expected);

    // Filters and ordering on the indexed columns work on the stored values.
    await db.service.update({ where: { id: minimal.id }, data: { deadline: at("2026-01-01T00:00:00.000Z") } });
    expect((await db.service.findMany({ where: { deadline: { lt: at("2026-01-01T00:00:00.001Z") } } })).map((s) => s.id)).toEqual([minimal.id]);
    expect((await db.service.findMany({ where: { status: "healthy" } })).map((s) => s.id)).toEqual([full.id]);

    await db.service.delete({ where: { id: full.id } });
    expect(await db.service.findUnique({ where: { id: full.id } })).toBeNull();
    expect(await db.service.count()).toBe(1);
    // The primary key is unique.
    await expect(db.service.create({ data: minimal })).rejects.toMatchObject({ code: "P2002" });
  });

  it("Event: every field set, nullable fields null; update; delete; foreign key; cascade on service delete", async () => {
    const db = await migratedClient();
    const svc = (id: string) => ({ id, name: id, metadata: {}, createdAt: at("2026-01-01T00:00:00.000Z"), updatedAt: at("2026-01-01T00:00:00.000Z") });
    await db.service.create({ data: svc("svc-a") });
    await db.service.create({ data: svc("svc-b") });

    const flip = {
      id: uuidv7(),
      serviceId: "svc-a",
      type: "flip",
      status: "error",
      fromStatus: "healthy",
      message: "Datenbank nicht erreichbar — 数据库 ❌",
      reason: "heartbeat",
      at: at("2026-02-03T04:05:06.789Z"),
    };
    const beat = { id: uuidv7(), serviceId: "svc-a", type: "heartbeat", status: "healthy", at: at("2026-02-03T04:05:07.000Z") };
    await db.event.create({ data: flip });
    await db.event.create({ data: beat });
    expectSameFields(await db.event.findUniqueOrThrow({ where: { id: flip.id } }), flip);
    expectSameFields(await db.event.findUniqueOrThrow({ where: { id: beat.id } }), { ...beat, fromStatus: null, message: null, reason: null });

    // UUIDv7 ids sort by creation on both databases (the events endpoint pages by id).
    const ids = [flip.id, beat.id];
    for (let i = 0; i < 20; i++) {
      const id = uuidv7();
      ids.push(id);
      await db.event.create({ data: { id, serviceId: "svc-b", type: "heartbeat", status: "healthy", at: at("2026-02-03T04:05:08.000Z") } });
    }
    const ordered = await db.event.findMany({ orderBy: { id: "asc" }, select: { id: true } });
    expect(ordered.map((e) => e.id)).toEqual(ids);

    const changed = await db.event.update({ where: { id: beat.id }, data: { message: "ünïcode", at: at("2030-12-31T23:59:59.999Z") } });
    expectSameFields(changed, { ...beat, fromStatus: null, message: "ünïcode", reason: null, at: at("2030-12-31T23:59:59.999Z") });
    await db.event.delete({ where: { id: beat.id } });
    expect(await db.event.findUnique({ where: { id: beat.id } })).toBeNull();

    // An event must belong to a service.
    await expect(
      db.event.create({ data: { id: uuidv7(), serviceId: "no-such-service", type: "heartbeat", status: "healthy", at: new Date() } }),
    ).rejects.toMatchObject({ code: "P2003" });

    // Deleting a service deletes its events, and only its events.
    expect(await db.event.count({ where: { serviceId: "svc-a" } })).toBe(1);
    await db.service.delete({ where: { id: "svc-a" } });
    expect(await db.event.count({ where: { serviceId: "svc-a" } })).toBe(0);
    expect(await db.event.count({ where: { serviceId: "svc-b" } })).toBe(20);
    await db.service.deleteMany({ where: { id: "svc-b" } });
    expect(await db.event.count()).toBe(0);
  });

  it("ApiKey: every field set, nullable field null; update; delete; unique hash", async () => {
    const db = await migratedClient();
    const full = {
      id: "0b0f3c3e-2f0e-4c1a-9d55-2f1e0c1a9d55",
      name: "CI-Schlüssel 🔑",
      prefix: "lsk_AbC-_9",
      hash: createHash("sha256").update("key-1").digest("hex"),
      scopes: "read,write,admin",
      createdAt: at("2026-03-04T05:06:07.089Z"),
      lastUsedAt: at("2026-03-05T05:06:07.001Z"),
    };
    const unused = { ...full, id: "second", name: "unused", hash: createHash("sha256").update("key-2").digest("hex"), scopes: "read", lastUsedAt: null };
    await db.apiKey.create({ data: full });
    await db.apiKey.create({ data: unused });
    expectSameFields(await db.apiKey.findUniqueOrThrow({ where: { id: full.id } }), full);
    expectSameFields(await db.apiKey.findUniqueOrThrow({ where: { hash: unused.hash } }), unused);

    const used = await db.apiKey.update({ where: { id: unused.id }, data: { lastUsedAt: at("2026-04-01T00:00:00.500Z"), scopes: "read,write" } });
    expectSameFields(used, { ...unused, lastUsedAt: at("2026-04-01T00:00:00.500Z"), scopes: "read,write" });

    await expect(db.apiKey.create({ data: { ...full, id: "third" } })).rejects.toMatchObject({ code: "P2002" });

    await db.apiKey.delete({ where: { id: full.id } });
    expect(await db.apiKey.findUnique({ where: { id: full.id } })).toBeNull();
    expect((await db.apiKey.findMany()).map((k) => k.id)).toEqual([unused.id]);
  });
});

/** The row has the expected values (other fields are not looked at); dates equal to the millisecond. */
function expectSameFields(row: Record<string, unknown>, expected: Record<string, unknown>): void {
  for (const [key, value] of Object.entries(expected)) {
    const actual = row[key];
    if (value instanceof Date) {
      expect(actual, key).toBeInstanceOf(Date);
      expect((actual as Date).toISOString(), key).toBe(value.toISOString());
    } else {
      expect(actual, key).toStrictEqual(value);
      expect(key in row, key).toBe(true);
    }
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Every model of the schema, whatever it is, round-trips: its fields are read from schema.prisma, so a model or a
// field added later is covered without touching this file.

const readSchema = (provider: Provider) => fs.readFileSync(schemaPath(provider, ROOT), "utf8");

type FieldSpec = { name: string; type: string; optional: boolean; id: boolean; unique: boolean; default?: string };
type RelationSpec = { parent: string; fields: string[]; references: string[]; cascade: boolean };
type ModelSpec = { name: string; table: string; scalars: FieldSpec[]; relations: RelationSpec[] };

const SCALAR_TYPES = ["String", "Int", "BigInt", "Float", "Boolean", "DateTime", "Json"];

function parseModels(schema: string): ModelSpec[] {
  const models: ModelSpec[] = [];
  for (const match of schema.matchAll(/^model\s+(\w+)\s*\{([^}]*)\}/gm)) {
    const model: ModelSpec = { name: match[1], table: match[1], scalars: [], relations: [] };
    for (const raw of match[2].split("\n")) {
      const line = raw.trim();
      if (!line || line.startsWith("//")) continue;
      if (line.startsWith("@@")) {
        const map = /^@@map\("([^"]+)"\)/.exec(line);
        if (map) model.table = map[1];
        if (line.startsWith("@@id")) throw new Error(`${model.name}: composite ids are not handled by this test yet`);
        continue;
      }
      const field = /^(\w+)\s+(\w+)(\[\])?(\?)?\s*(.*)$/.exec(line);
      if (!field) throw new Error(`${model.name}: cannot parse field line: ${line}`);
      const [, name, type, list, optional, attrs] = field;
      if (!SCALAR_TYPES.includes(type)) {
        const relation = /@relation\(([^)]*)\)/.exec(attrs);
        if (relation && !list) {
          const names = (key: string) =>
            (new RegExp(`${key}:\\s*\\[([^\\]]*)\\]`).exec(relation[1])?.[1] ?? "").split(",").map((s) => s.trim()).filter(Boolean);
          model.relations.push({
            parent: type,
            fields: names("fields"),
            references: names("references"),
            cascade: /onDelete:\s*Cascade/.test(relation[1]),
          });
        }
        continue;
      }
      if (list) throw new Error(`${model.name}.${name}: scalar lists are not handled by this test yet`);
      const def = /@default\(((?:[^()]|\([^()]*\))*)\)/.exec(attrs)?.[1];
      model.scalars.push({ name, type, optional: !!optional, id: /@id\b/.test(attrs), unique: /@unique\b/.test(attrs), default: def });
    }
    if (model.scalars.filter((f) => f.id).length !== 1) throw new Error(`${model.name}: expected one @id field`);
    models.push(model);
  }
  // Parents before children.
  const ordered: ModelSpec[] = [];
  const visit = (m: ModelSpec, path: string[] = []) => {
    if (ordered.includes(m)) return;
    if (path.includes(m.name)) throw new Error(`relation cycle: ${[...path, m.name].join(" -> ")}`);
    for (const r of m.relations) visit(models.find((x) => x.name === r.parent)!, [...path, m.name]);
    ordered.push(m);
  };
  models.forEach((m) => visit(m));
  return ordered;
}

/** A distinct, awkward value of the field's type for each variant. */
function valueFor(model: ModelSpec, field: FieldSpec, variant: number): unknown {
  const index = model.scalars.indexOf(field);
  switch (field.type) {
    case "String":
      return `${model.name}.${field.name}#${variant} — Grüße 世界 🚀 "q" \\ '`;
    case "Int":
      return 2_000_000_000 - variant * 1000 - index;
    case "BigInt":
      return 9_007_199_254_740_993n + BigInt(variant);
    case "Float":
      return 0.125 + variant;
    case "Boolean":
      return variant % 2 === 0;
    case "DateTime":
      return new Date(Date.UTC(2026, 0, 2, 3, 4, 5, 678) + variant * 86_400_001 + index * 1_001);
    case "Json":
      return {
        variant,
        field: field.name,
        unicode: "Ünïcødé 世界 🚀",
        nested: { list: [1, "zwei", null, true, { drei: 3.5 }], empty: {}, none: [] },
        nothing: null,
      };
    default:
      throw new Error(`${model.name}.${field.name}: no test value for type ${field.type}`);
  }
}

/** The value a `@default(...)` gives, when it is a literal; undefined for functions such as now(). */
function defaultValue(field: FieldSpec): unknown {
  const d = field.default!;
  if (d === "true" || d === "false") return d === "true";
  if (/^-?\d+(\.\d+)?$/.test(d)) return Number(d);
  const str = /^"(.*)"$/.exec(d);
  if (str) return str[1];
  return undefined;
}

describe.each(PROVIDERS)("every model of schema.prisma round-trips through the migrated %s tables", (provider) => {
  it("creates each model with every field set and with nullable fields null, reads, updates and deletes them", async () => {
    const models = parseModels(readSchema(provider));
    expect(models.map((m) => m.name)).toEqual(expect.arrayContaining(["Service", "Event", "ApiKey"]));
    const db = await freshDatabase(provider);
    await applyMigrations({ provider, databaseUrl: db.url });
    const client = await createDb({ provider, databaseUrl: db.url });
    clients.push(client);
    const delegate = (m: ModelSpec) =>
      (client as unknown as Record<string, Record<string, (args: unknown) => Promise<Record<string, unknown> | null> & Promise<number>>>)[
        m.name[0].toLowerCase() + m.name.slice(1)
      ];
    const idField = (m: ModelSpec) => m.scalars.find((f) => f.id)!;
    const fkFields = (m: ModelSpec) => new Set(m.relations.flatMap((r) => r.fields));

    // Two rows per model: "full" has every field set, "sparse" only what is required (the rest null or default).
    const rows = new Map<string, { full: Record<string, unknown>; sparse: Record<string, unknown> }>();
    const linkTo = (m: ModelSpec, which: "full" | "sparse") => {
      const data: Record<string, unknown> = {};
      for (const r of m.relations) {
        const parent = rows.get(r.parent)![which];
        r.fields.forEach((f, i) => (data[f] = parent[r.references[i]]));
      }
      return data;
    };
    for (const m of models) {
      const fks = fkFields(m);
      const full: Record<string, unknown> = linkTo(m, "full");
      const sparse: Record<string, unknown> = linkTo(m, "sparse");
      for (const f of m.scalars) {
        if (fks.has(f.name)) continue;
        full[f.name] = valueFor(m, f, 0);
        if (!f.optional && f.default === undefined) sparse[f.name] = valueFor(m, f, 1);
      }
      await delegate(m).create({ data: full });
      await delegate(m).create({ data: sparse });
      const expectedSparse: Record<string, unknown> = { ...sparse };
      for (const f of m.scalars) {
        if (f.name in sparse) continue;
        expectedSparse[f.name] = f.optional ? null : defaultValue(f);
      }
      rows.set(m.name, { full, sparse: expectedSparse });

      const id = idField(m).name;
      expectRow(m, await delegate(m).findUnique({ where: { [id]: full[id] } }), full);
      expectRow(m, await delegate(m).findUnique({ where: { [id]: sparse[id] } }), expectedSparse);
    }

    // Update every field that is not a key: required ones to new values, nullable ones to null on the full row
    // and to values on the sparse one.
    for (const m of models) {
      const fks = fkFields(m);
      const id = idField(m).name;
      const { full, sparse } = rows.get(m.name)!;
      const fullPatch: Record<string, unknown> = {};
      const sparsePatch: Record<string, unknown> = {};
      for (const f of m.scalars) {
        if (f.id || fks.has(f.name)) continue;
        // Setting a Json column to SQL NULL needs Prisma.DbNull; a new value is enough there.
        fullPatch[f.name] = f.optional && f.type !== "Json" ? null : valueFor(m, f, 2);
        if (f.optional) sparsePatch[f.name] = valueFor(m, f, 3);
      }
      const updatedFull = await delegate(m).update({ where: { [id]: full[id] }, data: fullPatch });
      expectRow(m, updatedFull, { ...full, ...fullPatch });
      expectRow(m, await delegate(m).findUnique({ where: { [id]: full[id] } }), { ...full, ...fullPatch });
      if (Object.keys(sparsePatch).length) {
        expectRow(m, await delegate(m).update({ where: { [id]: sparse[id] } , data: sparsePatch }), { ...sparse, ...sparsePatch });
      }
    }

    // Delete the sparse rows, children first.
    for (const m of [...models].reverse()) {
      const id = idField(m).name;
      const sparseId = rows.get(m.name)!.sparse[id];
      await delegate(m).delete({ where: { [id]: sparseId } });
      expect(await delegate(m).findUnique({ where: { [id]: sparseId } })).toBeNull();
    }
    // Delete the full rows, parents first: a cascading relation takes the children with it.
    for (const m of models) {
      const id = idField(m).name;
      const fullId = rows.get(m.name)!.full[id];
      const children = models.flatMap((c) => c.relations.filter((r) => r.parent === m.name).map((r) => ({ c, r })));
      for (const { c, r } of children) {
        if (!r.cascade) await delegate(c).deleteMany({ where: { [r.fields[0]]: fullId } });
      }
      if (await delegate(m).findUnique({ where: { [id]: fullId } })) await delegate(m).delete({ where: { [id]: fullId } });
      for (const { c, r } of children) {
        expect(await delegate(c).count({ where: { [r.fields[0]]: fullId } }), `${c.name} rows of the deleted ${m.name}`).toBe(0);
      }
    }
    for (const m of models) expect(await delegate(m).count({}), m.name).toBe(0);
  });
});

/** The row read back has exactly the model's fields, with the expected values; dates to the millisecond. */
function expectRow(m: ModelSpec, row: Record<string, unknown> | null, expected: Record<string, unknown>): void {
  expect(row, `${m.name} row`).not.toBeNull();
  expect(Object.keys(row!).sort(), m.name).toEqual(m.scalars.map((f) => f.name).sort());
  for (const f of m.scalars) {
    const want = expected[f.name];
    const got = row![f.name];
    const label = `${m.name}.${f.name}`;
    if (want === undefined) {
      // A default computed by the database or Prisma (now(), uuid()): only its presence is checked.
      expect(got, label).not.toBeNull();
    } else if (want instanceof Date) {
      expect(got, label).toBeInstanceOf(Date);
      expect((got as Date).toISOString(), label).toBe(want.toISOString());
    } else {
      expect(got, label).toStrictEqual(want);
    }
  }
}

// ---------------------------------------------------------------------------------------------------------------
// A later migration that rebuilds a table (what Prisma writes on SQLite for most column changes: "RedefineTables",
// which turns foreign keys off around DROP TABLE) keeps the rows of the tables that reference it.

describe.each(PROVIDERS)("a later migration that changes the services table on %s", (provider) => {
  it("keeps every service and every event", async () => {
    const db = await freshDatabase(provider);
    await applyMigrations({ provider, databaseUrl: db.url });
    const client = await createDb({ provider, databaseUrl: db.url });
    clients.push(client);
    const when = new Date("2026-01-01T00:00:00.000Z");
    for (const id of ["svc-1", "svc-2"]) {
      await client.service.create({ data: { id, name: id, metadata: { k: id }, createdAt: when, updatedAt: when } });
      for (let i = 0; i < 3; i++) {
        await client.event.create({ data: { id: uuidv7(), serviceId: id, type: "heartbeat", status: "healthy", at: when } });
      }
    }
    await client.$disconnect();

    // The change: a new default for services.status. On SQLite Prisma can only do that by rebuilding the table.
    const schema = readSchema(provider);
    const changed = schema.replace(/(model Service \{[^}]*\bstatus\s+String\s+@default\(")unknown("\))/, "$1pending$2");
    expect(changed).not.toBe(schema);
    const sql = await diffSchemas(schema, changed);
    if (provider === "sqlite") expect(sql).toMatch(/DROP TABLE "services"/);
    const current = loadMigrations(migrationsDir(provider, ROOT));
    const later = migration("29991231000000_status_default", sql);
    expect(await applyMigrations({ provider, databaseUrl: db.url, migrations: [...current, later] })).toEqual([later.name]);

    const counts = await query<{ services: number | string; events: number | string }>(
      db,
      `SELECT (SELECT COUNT(*) FROM "services") AS services, (SELECT COUNT(*) FROM "events") AS events`,
    );
    expect({ services: Number(counts[0].services), events: Number(counts[0].events) }).toEqual({ services: 2, events: 6 });
  }, 120_000);
});
