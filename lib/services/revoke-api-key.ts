import { forgetKey } from "../auth/verify-api-key";
import { AppError } from "../core/errors";
import type { Ctx } from "./context";

/** Deletes a key; it stops working at once in this process. */
export async function revokeApiKey(ctx: Ctx, { id }: { id: string }): Promise<void> {
  const { count } = await ctx.db.apiKey.deleteMany({ where: { id } });
  forgetKey(id);
  if (count === 0) throw new AppError("not_found", `API key not found: ${id}`);
}
