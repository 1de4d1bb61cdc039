import { AppError } from "../../core/errors";
import type { Ctx } from "../context";

/** Removes a user, but never the last admin (nobody could manage LaneSwap from the dashboard any more). */
export async function deleteUser(ctx: Ctx, { id }: { id: string }): Promise<void> {
  await ctx.db.$transaction(async (tx) => {
    const user = await tx.user.findUnique({ where: { id } });
    if (!user) throw new AppError("not_found", `User not found: ${id}`);
    if (user.role === "admin" && (await tx.user.count({ where: { role: "admin" } })) <= 1) {
      throw new AppError("conflict", "This is the last admin; add another admin before removing it");
    }
    await tx.user.delete({ where: { id } });
  });
}
