import type { UserRole } from "../../core/user-schemas";

export type UserRecord = { id: string; username: string; role: string; createdAt: Date; updatedAt: Date };
export type UserView = { id: string; username: string; role: UserRole; created_at: string; updated_at: string };

/** A user as the API shows it: never the hash. */
export function toUserView(u: UserRecord): UserView {
  return { id: u.id, username: u.username, role: u.role as UserRole, created_at: u.createdAt.toISOString(), updated_at: u.updatedAt.toISOString() };
}
