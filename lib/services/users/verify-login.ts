import type { Ctx } from "../context";
import { DUMMY_HASH, checkPassword } from "./hash-password";
import { toUserView, type UserView } from "./user-view";

/** The user these credentials belong to, or null. Unknown names take as long as wrong passwords. */
export async function verifyLogin(ctx: Ctx, { username, password }: { username: string; password: string }): Promise<UserView | null> {
  const user = await ctx.db.user.findUnique({ where: { username } });
  const ok = await checkPassword(password, user?.passwordHash ?? DUMMY_HASH);
  return user && ok ? toUserView(user) : null;
}
