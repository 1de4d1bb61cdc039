// npm run db:migrate — applies the pending migrations to DATABASE_URL (the server also does this when it starts).
import { applyMigrations } from "../lib/db/migrate";
import { configOrExit } from "./cli-context";

const config = configOrExit();
const applied = await applyMigrations(config);
console.log(applied.length ? `applied: ${applied.join(", ")}` : `${config.provider}: the database is up to date`);
