"use client";

import { createContext, useContext, type ReactNode } from "react";

export type SignedInUser = { id: string; username: string; role: "admin" | "viewer" };
const UserContext = createContext<SignedInUser | null>(null);

export function UserProvider({ user, children }: { user: SignedInUser; children: ReactNode }) {
  return <UserContext.Provider value={user}>{children}</UserContext.Provider>;
}

/** The signed-in user; admins may change things, viewers only look. */
export function useUser(): SignedInUser {
  const user = useContext(UserContext);
  if (!user) throw new Error("useUser outside UserProvider");
  return user;
}
