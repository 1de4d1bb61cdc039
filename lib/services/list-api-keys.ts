import { parseScopes } from "../auth/scopes";
import type { Ctx } from "./context";

export async function listApiKeys(ctx: Ctx) {
  const rows = await ctx.db.apiKey.findMany({ orderBy: { createdAt: "asc" } });
  return {
    keys: rows.map((k) => ({
      id: k.id,
      name: k.name,
      prefix: k.prefix,
      scopes: parseScopes(k.scopes),
      created_at: k.createdAt.toISOString(),
      last_used_at: k.lastUsedAt?.toISOString() ?? null,
    })),
  };
}
