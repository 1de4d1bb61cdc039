import { authSecret } from "./auth/auth-secret";
import { ConfigError, getConfig } from "./config";
import { getDb } from "./db/client";
import { applyMigrations } from "./db/migrate";
import { ensureFirstApiKey } from "./services/ensure-first-api-key";
import { syncEnvChannel } from "./services/sync-env-channel";

/**
 * Start-up of a server process: validates the configuration (a wrong value stops start-up with a message naming
 * the variable), brings the database schema up to date and, on a fresh install, creates and prints the first key.
 */
export async function prepareServer(): Promise<void> {
  let config;
  try {
    config = getConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      process.exit(1);
    }
    throw error;
  }
  const applied = await applyMigrations(config);
  if (applied.length) console.log(`[laneswap] database migrated: ${applied.join(", ")}`);
  const db = await getDb(config);
  await syncEnvChannel({ config, db });
  // Dashboard sessions need a signing key: generated into DATA_DIR on first start unless NEXTAUTH_SECRET is set.
  authSecret(config);
  const key = await ensureFirstApiKey({ config, db });
  if (key) printFirstKey(key);
  console.log(`[laneswap] ready on http://localhost:${config.port} (database: ${config.provider})`);
}

function printFirstKey(key: string): void {
  const line = "=".repeat(78);
  console.log(
    [
      line,
      "  LaneSwap created its first API key (admin scope). It is shown only this once:",
      "",
      `    ${key}`,
      "",
      "  Use it as 'Authorization: Bearer <key>' or 'X-API-Key: <key>'. Create more with",
      "  `npm run keys -- create --name <name> --scopes read,write`, or set LANESWAP_API_KEY.",
      line,
    ].join("\n"),
  );
}
