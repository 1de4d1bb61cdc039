import { ConfigError, parseConfig } from "../lib/config";
import { createDb } from "../lib/db/client";
import { applyMigrations } from "../lib/db/migrate";
import type { Ctx } from "../lib/services/context";

/** Configuration for a script, or a clear message and exit code 1 when the environment is wrong. */
export function configOrExit() {
  try {
    return parseConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      process.exit(1);
    }
    throw error;
  }
}

/** A database context for a script that talks to the database directly, with the schema brought up to date. */
export async function scriptCtx(): Promise<Ctx> {
  const config = configOrExit();
  await applyMigrations(config);
  return { config, db: await createDb(config) };
}
