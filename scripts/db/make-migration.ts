// Writes prisma/<provider>/migrations/<timestamp>_<name>/ for both providers: migration.sql, the SQL
// `prisma migrate dev --create-only` would write for the change since the last migration, and schema.prisma, the
// schema it leads to. Usage: npm run db:make-migration -- <name>
import fs from "node:fs";
import path from "node:path";
import { migrationsDir } from "../../lib/db/migrate";
import { SNAPSHOT_FILE, diffSchemas, latestSnapshot, schemaPath } from "../../lib/db/schema-engine";

const name = (process.argv[2] ?? "").replace(/[^a-z0-9_]/gi, "_");
if (!name) {
  console.error("usage: npm run db:make-migration -- <name>");
  process.exit(2);
}
const stamp = new Date().toISOString().replace(/\D/g, "").slice(0, 14);

for (const provider of ["sqlite", "postgresql"] as const) {
  const schema = fs.readFileSync(schemaPath(provider), "utf8");
  const sql = await diffSchemas(latestSnapshot(provider), schema);
  if (!sql.trim()) {
    console.log(`${provider}: the schema and the migrations agree; nothing to write`);
    continue;
  }
  const dir = path.join(migrationsDir(provider), `${stamp}_${name}`);
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, "migration.sql"), sql);
  fs.writeFileSync(path.join(dir, SNAPSHOT_FILE), schema);
  fs.writeFileSync(path.join(migrationsDir(provider), "migration_lock.toml"), `provider = "${provider}"\n`);
  console.log(`${provider}: wrote ${path.relative(process.cwd(), dir)}/migration.sql`);
}
