import type { Ctx } from "./context";
import { createApiKey } from "./create-api-key";

// Any constant: the advisory lock that makes "is there a key yet? create one" atomic on PostgreSQL.
const PG_FIRST_KEY_LOCK = 7_265_731_003;

/**
 * On a fresh install with no key and no LANESWAP_API_KEY, creates an admin key and returns it so the caller can
 * print it once. Returns null otherwise. Atomic: of several processes starting at once, one creates the key.
 */
export async function ensureFirstApiKey(ctx: Ctx): Promise<string | null> {
  if (ctx.config.adminApiKey) return null;
  return ctx.db.$transaction(async (tx) => {
    // Take the write lock before looking: an advisory lock on PostgreSQL, a (no-op) write on SQLite.
    if (ctx.config.provider === "postgresql") await tx.$executeRawUnsafe(`SELECT pg_advisory_xact_lock(${PG_FIRST_KEY_LOCK})`);
    else await tx.$executeRawUnsafe("UPDATE api_keys SET name = name WHERE 0 = 1");
    if ((await tx.apiKey.count()) > 0) return null;
    const created = await createApiKey({ ...ctx, db: tx as typeof ctx.db }, { name: "first admin key", scopes: ["admin"] });
    return created.key;
  });
}
