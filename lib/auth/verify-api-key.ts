import type { ApiScope } from "../core/schemas";
import type { Ctx } from "../services/context";
import { nowOf } from "../services/context";
import { hashApiKey, isHashOf } from "./api-key-format";
import { parseScopes } from "./scopes";

export type Principal = { keyId: string | null; name: string; scopes: ApiScope[] };

type Cached = { principal: Principal | null; expires: number; lastUsedWritten: number };

// Keys are looked up once per CACHE_MS per process; a revoke in this process takes effect at once (forgetKey), one
// in another instance within CACHE_MS.
const CACHE_MS = 2_000;
const LAST_USED_EVERY_MS = 60_000;
const cache = new Map<string, Cached>();

export function forgetKey(keyId: string): void {
  for (const [hash, entry] of cache) if (entry.principal?.keyId === keyId) cache.delete(hash);
}

/** The principal a presented key stands for, or null when no such key exists. */
export async function verifyApiKey(ctx: Ctx, presented: string): Promise<Principal | null> {
  const hash = hashApiKey(presented);
  const admin = ctx.config.adminApiKey;
  if (admin && isHashOf(hash, admin)) return { keyId: null, name: "LANESWAP_API_KEY", scopes: ["admin"] };
  const now = nowOf(ctx).getTime();
  const hit = cache.get(hash);
  if (hit && hit.expires > now) return hit.principal;
  const row = await ctx.db.apiKey.findUnique({ where: { hash } });
  const principal = row ? { keyId: row.id, name: row.name, scopes: parseScopes(row.scopes) } : null;
  let lastUsedWritten = hit?.lastUsedWritten ?? 0;
  if (row && now - Math.max(lastUsedWritten, row.lastUsedAt?.getTime() ?? 0) >= LAST_USED_EVERY_MS) {
    lastUsedWritten = now;
    await ctx.db.apiKey.updateMany({ where: { id: row.id }, data: { lastUsedAt: new Date(now) } });
  }
  if (cache.size > 10_000) cache.clear();
  cache.set(hash, { principal, expires: now + CACHE_MS, lastUsedWritten });
  return principal;
}
