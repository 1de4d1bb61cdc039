import { decode } from "next-auth/jwt";
import type { Ctx } from "../services/context";
import { authSecret } from "./auth-secret";
import type { Principal } from "./verify-api-key";

const COOKIE_NAMES = ["__Secure-next-auth.session-token", "next-auth.session-token"];
const CACHE_MS = 2_000;
const cache = new Map<string, { principal: Principal | null; expires: number }>();

/** The session cookie's value (next-auth splits large ones into name.0, name.1, …). */
export function sessionCookie(cookieHeader: string | null): string | null {
  if (!cookieHeader) return null;
  const cookies = new Map<string, string>();
  for (const part of cookieHeader.split(";")) {
    const i = part.indexOf("=");
    if (i > 0) cookies.set(part.slice(0, i).trim(), decodeURIComponent(part.slice(i + 1).trim()));
  }
  for (const name of COOKIE_NAMES) {
    if (cookies.has(name)) return cookies.get(name)!;
    const chunks: string[] = [];
    for (let i = 0; cookies.has(`${name}.${i}`); i++) chunks.push(cookies.get(`${name}.${i}`)!);
    if (chunks.length) return chunks.join("");
  }
  return null;
}

/**
 * The principal of a dashboard session: admins get the admin scope, viewers read. The user must still exist, so
 * removing a user ends their sessions (within CACHE_MS).
 */
export async function sessionPrincipal(ctx: Ctx, request: Request): Promise<Principal | null> {
  const token = sessionCookie(request.headers.get("cookie"));
  if (!token) return null;
  const now = Date.now();
  const hit = cache.get(token);
  if (hit && hit.expires > now) return hit.principal;
  let principal: Principal | null = null;
  try {
    const jwt = await decode({ token, secret: authSecret(ctx.config) });
    const user = jwt?.uid ? await ctx.db.user.findUnique({ where: { id: jwt.uid } }) : null;
    if (user) principal = { keyId: null, name: `user:${user.username}`, scopes: user.role === "admin" ? ["admin"] : ["read"] };
  } catch {
    principal = null;
  }
  if (cache.size > 10_000) cache.clear();
  cache.set(token, { principal, expires: now + CACHE_MS });
  return principal;
}
