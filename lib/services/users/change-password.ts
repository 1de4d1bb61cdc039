import { AppError } from "../../core/errors";
import type { Ctx } from "../context";
import { nowOf } from "../context";
import { hashPassword } from "./hash-password";

export async function changePassword(ctx: Ctx, { id, password }: { id: string; password: string }): Promise<void> {
  const passwordHash = await hashPassword(password);
  const { count } = await ctx.db.user.updateMany({ where: { id }, data: { passwordHash, updatedAt: nowOf(ctx) } });
  if (count === 0) throw new AppError("not_found", `User not found: ${id}`);
}
