import fs from "node:fs";
import path from "node:path";
import { createRequire } from "node:module";
import { PrismaBetterSqlite3 } from "@prisma/adapter-better-sqlite3";
import { bindMigrationAwareSqlAdapterFactory } from "@prisma/driver-adapter-utils";
import type { Provider } from "./client";
import { sqliteFilePath } from "./client";
import { loadMigrations, migrationsDir } from "./migrate";

// Prisma's own migration engine (WebAssembly), used by the tool that writes migrations and by the tests that check
// the migrations match the schemas. It is a development dependency: the server applies migrations with
// lib/db/migrate.ts. Each migration folder keeps `schema.prisma`, the schema it migrates to, so the next migration
// is the engine's diff between two schemas and needs no database.

type Engine = { diff(params: unknown): Promise<{ exitCode: number; stdout: string | null }>; free(): void };
type EngineModule = {
  SchemaEngine: { new: (options: unknown, log: (m: string) => void, adapter: unknown) => Promise<Engine> };
  __wbg_set_wasm(exports: unknown): void;
};

let engine: Promise<Engine> | undefined;

// The glue module holds one WebAssembly instance, so one engine serves the whole process.
function loadEngine(): Promise<Engine> {
  engine ??= startEngine();
  return engine;
}

let wasmGlue: Promise<EngineModule> | undefined;

// Instantiated once per process: instantiating again would swap the WebAssembly under engines already started.
function loadGlue(): Promise<EngineModule> {
  wasmGlue ??= (async () => {
    const require = createRequire(import.meta.url);
    const wasmFile = path.join(path.dirname(require.resolve("@prisma/schema-engine-wasm/schema_engine_bg")), "schema_engine_bg.wasm");
    const glue = (await import("@prisma/schema-engine-wasm/schema_engine_bg")) as unknown as EngineModule;
    const { instance } = await WebAssembly.instantiate(fs.readFileSync(wasmFile), { "./schema_engine_bg.js": glue as unknown as WebAssembly.ModuleImports });
    glue.__wbg_set_wasm(instance.exports);
    (instance.exports as { __wbindgen_start?: () => void }).__wbindgen_start?.();
    return glue;
  })();
  return wasmGlue;
}

async function startEngine(): Promise<Engine> {
  const glue = await loadGlue();
  // A diff between two schemas never touches a database; the engine still wants an adapter to start.
  const adapter = bindMigrationAwareSqlAdapterFactory(new PrismaBetterSqlite3({ url: ":memory:" }) as never);
  return glue.SchemaEngine.new({ datamodels: undefined }, () => {}, adapter);
}

export const SNAPSHOT_FILE = "schema.prisma.snapshot";

export function schemaPath(provider: Provider, root = process.cwd()): string {
  return path.join(root, "prisma", provider, "schema.prisma");
}

/** The schema the newest migration leads to, or null when there is no migration yet. */
export function latestSnapshot(provider: Provider, root = process.cwd()): string | null {
  const dir = migrationsDir(provider, root);
  const last = loadMigrations(dir).at(-1);
  return last ? fs.readFileSync(path.join(dir, last.name, SNAPSHOT_FILE), "utf8") : null;
}

/** The SQL that takes a database from `from` (null: empty) to the schema `to`. Empty when they agree. */
export async function diffSchemas(from: string | null, to: string): Promise<string> {
  const target = (content: string) => ({ tag: "schemaDatamodel", files: [{ path: "schema.prisma", content }] });
  const result = await (await loadEngine()).diff({
    from: from === null ? { tag: "empty" } : target(from),
    to: target(to),
    script: true,
    exitCode: null,
    filters: { externalTables: [], externalEnums: [] },
  });
  const sql = result.stdout ?? "";
  return sql.includes("This is an empty migration") ? "" : sql;
}

/**
 * The SQL that takes the SQLite database at `databaseUrl` to the schema `to`; empty when the database already
 * matches it (a drift check). SQLite only: on PostgreSQL the engine cannot read the database here ("Column type
 * 'char' could not be deserialized"), so the tests round-trip every model there instead.
 */
export async function diffSqliteDatabaseToSchema(databaseUrl: string, to: string): Promise<string> {
  const glue = await loadGlue();
  const adapter = bindMigrationAwareSqlAdapterFactory(new PrismaBetterSqlite3({ url: sqliteFilePath(databaseUrl) }) as never);
  const db = await glue.SchemaEngine.new({ datamodels: undefined }, () => {}, adapter);
  try {
    const files = [{ path: "schema.prisma", content: to }];
    const result = await db.diff({
      from: { tag: "schemaDatasource", files, configDir: process.cwd() },
      to: { tag: "schemaDatamodel", files },
      script: true,
      exitCode: null,
      filters: { externalTables: [], externalEnums: [] },
    });
    const sql = result.stdout ?? "";
    return sql.includes("This is an empty migration") ? "" : sql;
  } finally {
    db.free();
  }
}
