import type { UserRole } from "@/lib/core/user-schemas";

declare module "next-auth" {
  interface Session {
    user: { id: string; name: string; role: UserRole };
  }
  interface User {
    id: string;
    name: string;
    role: UserRole;
  }
}

declare module "next-auth/jwt" {
  interface JWT {
    uid?: string;
    role?: UserRole;
  }
}
