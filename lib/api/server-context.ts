import { getConfig } from "../config";
import { getDb } from "../db/client";
import type { Ctx } from "../services/context";

/** The web server's context: configuration from the environment and the shared database client. */
export async function serverCtx(): Promise<Ctx> {
  const config = getConfig();
  return { config, db: await getDb(config) };
}
