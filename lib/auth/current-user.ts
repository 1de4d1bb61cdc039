import "server-only";
import { getServerSession } from "next-auth";
import { cache } from "react";
import { serverCtx } from "../api/server-context";
import { toUserView, type UserView } from "../services/users/user-view";
import { authOptions } from "./auth-options";

/**
 * The signed-in user of this request, checked against the users table (a removed user has no session). Looked up
 * once per request however many components ask.
 */
export const currentUser = cache(async (): Promise<UserView | null> => {
  const session = await getServerSession(authOptions());
  if (!session?.user?.id) return null;
  const ctx = await serverCtx();
  const row = await ctx.db.user.findUnique({ where: { id: session.user.id } });
  return row ? toUserView(row) : null;
});
