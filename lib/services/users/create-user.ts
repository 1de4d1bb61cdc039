import { randomUUID } from "node:crypto";
import { AppError } from "../../core/errors";
import type { UserRole } from "../../core/user-schemas";
import type { Ctx } from "../context";
import { nowOf } from "../context";
import { hashPassword } from "./hash-password";
import { toUserView, type UserView } from "./user-view";

// Any constant: the advisory lock that makes "is there a user yet? create the admin" atomic on PostgreSQL.
const PG_FIRST_USER_LOCK = 7_265_731_004;

type NewUser = { username: string; password: string; role: UserRole };

/** Adds a user; 409 when the name is taken. */
export async function createUser(ctx: Ctx, input: NewUser): Promise<UserView> {
  const passwordHash = await hashPassword(input.password);
  const now = nowOf(ctx);
  try {
    const row = await ctx.db.user.create({
      data: { id: randomUUID(), username: input.username, passwordHash, role: input.role, createdAt: now, updatedAt: now },
    });
    return toUserView(row);
  } catch (error) {
    if ((error as { code?: string }).code === "P2002") throw new AppError("conflict", `A user named ${input.username} already exists`);
    throw error;
  }
}

/**
 * The setup page's operation: creates the first user, an admin, only while there is no user at all. Of two setups
 * racing, one wins and the other gets 409.
 */
export async function createFirstUser(ctx: Ctx, input: { username: string; password: string }): Promise<UserView> {
  const passwordHash = await hashPassword(input.password);
  const now = nowOf(ctx);
  const row = await ctx.db.$transaction(async (tx) => {
    if (ctx.config.provider === "postgresql") await tx.$queryRawUnsafe(`SELECT pg_advisory_xact_lock(${PG_FIRST_USER_LOCK})`);
    else await tx.$executeRawUnsafe("UPDATE users SET role = role WHERE 0 = 1");
    if ((await tx.user.count()) > 0) return null;
    return tx.user.create({
      data: { id: randomUUID(), username: input.username, passwordHash, role: "admin", createdAt: now, updatedAt: now },
    });
  });
  if (!row) throw new AppError("conflict", "LaneSwap is already set up: sign in instead");
  return toUserView(row);
}
