import type { ApiScope } from "../core/schemas";

/** admin implies write and read; write implies read. */
export function grants(scopes: readonly ApiScope[], needed: ApiScope): boolean {
  if (scopes.includes("admin")) return true;
  if (needed === "read") return scopes.includes("read") || scopes.includes("write");
  return scopes.includes(needed);
}

export function parseScopes(stored: string): ApiScope[] {
  return stored.split(",").filter(Boolean) as ApiScope[];
}
