/** CORS headers for a request's Origin, when CORS_ORIGINS allows it ("*" allows any). */
export function corsHeaders(allowed: string[], origin: string | null): Record<string, string> {
  if (!origin || allowed.length === 0) return {};
  const any = allowed.includes("*");
  if (!any && !allowed.includes(origin)) return {};
  return {
    "Access-Control-Allow-Origin": any ? "*" : origin,
    "Access-Control-Allow-Methods": "GET, POST, PATCH, DELETE, OPTIONS",
    "Access-Control-Allow-Headers": "Authorization, X-API-Key, Content-Type, Prefer",
    "Access-Control-Expose-Headers": "Preference-Applied, Retry-After",
    "Access-Control-Max-Age": "600",
    ...(any ? {} : { Vary: "Origin" }),
  };
}
