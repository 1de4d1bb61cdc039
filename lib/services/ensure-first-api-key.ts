import type { Ctx } from "./context";
import { createApiKey } from "./create-api-key";

/**
 * On a fresh install with no key and no LANESWAP_API_KEY, creates an admin key and returns it so the caller can
 * print it once. Returns null otherwise.
 */
export async function ensureFirstApiKey(ctx: Ctx): Promise<string | null> {
  if (ctx.config.adminApiKey) return null;
  if ((await ctx.db.apiKey.count()) > 0) return null;
  const created = await createApiKey(ctx, { name: "first admin key", scopes: ["admin"] });
  return created.key;
}
