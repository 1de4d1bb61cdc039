import { randomUUID } from "node:crypto";
import { generateApiKey } from "../auth/api-key-format";
import type { ApiScope } from "../core/schemas";
import type { Ctx } from "./context";
import { nowOf } from "./context";

export type CreatedApiKey = { id: string; name: string; key: string; prefix: string; scopes: ApiScope[]; created_at: string };

/** Creates a key; the key itself is returned only here and stored only as a hash. */
export async function createApiKey(ctx: Ctx, input: { name: string; scopes: ApiScope[] }): Promise<CreatedApiKey> {
  const { key, prefix, hash } = generateApiKey();
  const row = await ctx.db.apiKey.create({
    data: { id: randomUUID(), name: input.name, prefix, hash, scopes: input.scopes.join(","), createdAt: nowOf(ctx) },
  });
  return { id: row.id, name: row.name, key, prefix, scopes: input.scopes, created_at: row.createdAt.toISOString() };
}
