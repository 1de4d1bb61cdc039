import "server-only";
import type { NextAuthOptions } from "next-auth";
import CredentialsProvider from "next-auth/providers/credentials";
import { getConfig } from "../config";
import { loginSchema } from "../core/user-schemas";
import { serverCtx } from "../api/server-context";
import { verifyLogin } from "../services/users/verify-login";
import { authSecret } from "./auth-secret";
import { LoginLockedError, guardedLogin } from "./login-guard";

let options: NextAuthOptions | undefined;

/** next-auth's configuration: username and password against the users table, sessions as signed JWT cookies. */
export function authOptions(): NextAuthOptions {
  if (options) return options;
  const config = getConfig();
  // next-auth reads these from the environment; defaults make `npm start` work with no configuration.
  process.env.NEXTAUTH_URL ??= config.nextAuthUrl;
  process.env.NEXTAUTH_SECRET ??= authSecret(config);
  options = {
    secret: authSecret(config),
    session: { strategy: "jwt", maxAge: 30 * 24 * 3600 },
    pages: { signIn: "/login" },
    providers: [
      CredentialsProvider({
        name: "password",
        credentials: { username: { type: "text" }, password: { type: "password" } },
        async authorize(credentials) {
          const parsed = loginSchema.safeParse(credentials ?? {});
          if (!parsed.success || !parsed.data.username) return null;
          const ctx = await serverCtx();
          try {
            const user = await guardedLogin(parsed.data.username, () => verifyLogin(ctx, parsed.data));
            return user ? { id: user.id, name: user.username, role: user.role } : null;
          } catch (error) {
            // next-auth passes a thrown message to the sign-in page as its error code.
            if (error instanceof LoginLockedError) throw new Error(`locked:${error.retryAfterSeconds}`);
            throw error;
          }
        },
      }),
    ],
    callbacks: {
      jwt({ token, user }) {
        if (user) {
          token.uid = user.id;
          token.role = user.role;
        }
        return token;
      },
      session({ session, token }) {
        session.user = { id: token.uid ?? "", name: token.name ?? "", role: token.role ?? "viewer" };
        return session;
      },
    },
  };
  return options;
}
