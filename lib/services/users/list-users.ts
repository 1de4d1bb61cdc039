import type { Ctx } from "../context";
import { toUserView, type UserView } from "./user-view";

export async function listUsers(ctx: Ctx): Promise<{ users: UserView[] }> {
  const rows = await ctx.db.user.findMany({ orderBy: { createdAt: "asc" } });
  return { users: rows.map(toUserView) };
}

/** Whether the setup page is still needed. */
export async function hasUsers(ctx: Ctx): Promise<boolean> {
  return (await ctx.db.user.count()) > 0;
}
