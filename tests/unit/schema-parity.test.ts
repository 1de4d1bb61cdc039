import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

// The two Prisma schemas must describe the same models: they may differ only in the datasource provider and the
// folder the client is generated into. And the schema may not change without a migration: the newest migration
// of each provider records (schema.prisma.snapshot) the schema it leads to, which must be the current one.

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const PROVIDERS = ["sqlite", "postgresql"] as const;
type Provider = (typeof PROVIDERS)[number];

const schemaFile = (provider: Provider) => path.join(ROOT, "prisma", provider, "schema.prisma");
const migrationsDir = (provider: Provider) => path.join(ROOT, "prisma", provider, "migrations");
const read = (file: string) => fs.readFileSync(file, "utf8");

/** The body of the top-level block `<kind> <name> { ... }` (Prisma blocks do not nest). */
function block(schema: string, kind: string, name: string): string {
  const match = new RegExp(`^${kind}\\s+${name}\\s*\\{([^}]*)\\}`, "m").exec(schema);
  if (!match) throw new Error(`no ${kind} ${name} block`);
  return match[1];
}

/** The value of `key = "..."` inside a block body. */
function setting(body: string, key: string): string | undefined {
  return new RegExp(`^\\s*${key}\\s*=\\s*"([^"]*)"\\s*$`, "m").exec(body)?.[1];
}

/**
 * Replaces the datasource's provider and the generator's output with placeholders, touching nothing else, and
 * checks there is exactly one of each to replace.
 */
function normalize(schema: string): string {
  const replaceIn = (kind: string, name: string, key: string) => {
    const match = new RegExp(`^${kind}\\s+${name}\\s*\\{[^}]*\\}`, "m").exec(schema);
    if (!match) throw new Error(`no ${kind} ${name} block`);
    const lineRe = new RegExp(`^(\\s*${key}\\s*=\\s*)"[^"]*"(\\s*)$`, "gm");
    const lines = match[0].match(lineRe) ?? [];
    if (lines.length !== 1) throw new Error(`expected one ${key} line in ${kind} ${name}, found ${lines.length}`);
    const replaced = match[0].replace(lineRe, `$1"<${key}>"$2`);
    schema = schema.slice(0, match.index) + replaced + schema.slice(match.index + match[0].length);
  };
  replaceIn("datasource", "db", "provider");
  replaceIn("generator", "client", "output");
  return schema;
}

/** Migration folder names, oldest first (the order lib/db/migrate.ts applies them in). */
function migrationFolders(provider: Provider): string[] {
  return fs
    .readdirSync(migrationsDir(provider), { withFileTypes: true })
    .filter((d) => d.isDirectory() && fs.existsSync(path.join(migrationsDir(provider), d.name, "migration.sql")))
    .map((d) => d.name)
    .sort();
}

describe("schema parity between the providers", () => {
  it.each(PROVIDERS)("the %s schema names its own provider and client folder", (provider) => {
    const schema = read(schemaFile(provider));
    expect(setting(block(schema, "datasource", "db"), "provider")).toBe(provider);
    const generator = block(schema, "generator", "client");
    expect(setting(generator, "provider")).toBe("prisma-client");
    expect(setting(generator, "output")).toBe(`../../lib/db/generated/${provider}`);
  });

  it("the SQLite and PostgreSQL schemas are identical apart from the provider and the output folder", () => {
    const sqlite = normalize(read(schemaFile("sqlite")));
    const postgresql = normalize(read(schemaFile("postgresql")));
    // Compared line by line first, so a failure points at the line that differs.
    expect(postgresql.split("\n")).toEqual(sqlite.split("\n"));
    expect(postgresql).toBe(sqlite);
  });

  it("normalization replaces only those two lines", () => {
    for (const provider of PROVIDERS) {
      const original = read(schemaFile(provider)).split("\n");
      const normalized = normalize(read(schemaFile(provider))).split("\n");
      expect(normalized).toHaveLength(original.length);
      const changed = original.filter((line, i) => line !== normalized[i]);
      expect(changed).toHaveLength(2);
      expect(changed[0]).toMatch(new RegExp(`^\\s*output\\s*=\\s*"../../lib/db/generated/${provider}"\\s*$`));
      expect(changed[1]).toMatch(new RegExp(`^\\s*provider\\s*=\\s*"${provider}"\\s*$`));
    }
  });

  it("both providers have the same migrations", () => {
    expect(migrationFolders("postgresql")).toEqual(migrationFolders("sqlite"));
  });
});

describe.each(PROVIDERS)("migrations of %s", (provider) => {
  it("exist, each with a non-empty migration.sql and a schema snapshot", () => {
    const folders = migrationFolders(provider);
    expect(folders.length).toBeGreaterThan(0);
    for (const name of folders) {
      expect(name).toMatch(/^\d{14}_[A-Za-z0-9_]+$/);
      expect(read(path.join(migrationsDir(provider), name, "migration.sql")).trim()).not.toBe("");
      expect(fs.existsSync(path.join(migrationsDir(provider), name, "schema.prisma.snapshot"))).toBe(true);
    }
  });

  it("the newest migration's snapshot is the current schema (no schema change without a migration)", () => {
    const newest = migrationFolders(provider).at(-1)!;
    const snapshot = read(path.join(migrationsDir(provider), newest, "schema.prisma.snapshot"));
    expect(setting(block(snapshot, "datasource", "db"), "provider")).toBe(provider);
    expect(normalize(snapshot)).toBe(normalize(read(schemaFile(provider))));
  });

  it("migration_lock.toml names the provider", () => {
    const lock = read(path.join(migrationsDir(provider), "migration_lock.toml"));
    const providers = [...lock.matchAll(/^\s*provider\s*=\s*"([^"]*)"\s*$/gm)].map((m) => m[1]);
    expect(providers).toEqual([provider]);
  });
});
