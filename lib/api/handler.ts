import type { z } from "zod";
import { AppError } from "../core/errors";
import type { ApiScope } from "../core/schemas";
import { consumeKeyQuota, recordAuthFailure } from "../auth/rate-limits";
import { grants } from "../auth/scopes";
import { sessionPrincipal } from "../auth/session-principal";
import { verifyApiKey, type Principal } from "../auth/verify-api-key";
import type { Ctx } from "../services/context";
import { JSON_BODY } from "../services/service-view";
import { corsHeaders } from "./cors";
import { errorResponse } from "./error-response";
import { isJsonContentType, parseJson, readBodyText } from "./read-body";
import { serverCtx } from "./server-context";

type RouteSpec<B extends z.ZodType, Q extends z.ZodType> = {
  /** The scope a credential needs; null for the public routes. */
  scope: ApiScope | null;
  body?: B;
  /** An empty body is read as `{}` (the heartbeat's body is optional). */
  bodyOptional?: boolean;
  query?: Q;
};

type RouteInput<B extends z.ZodType, Q extends z.ZodType> = {
  ctx: Ctx;
  request: Request;
  params: Record<string, string>;
  body: z.output<B>;
  query: z.output<Q>;
  principal: Principal | null;
};

type NextContext = { params: Promise<Record<string, string>> };

/**
 * The one wrapper every REST route goes through. Checks run in the SPEC's order: credentials (401/403), size (413),
 * content type (415), JSON syntax (400), validation (422); the operation itself answers 404. What the handler
 * returns is sent as 200 JSON unless it is a Response already.
 */
export function route<B extends z.ZodType = z.ZodUnknown, Q extends z.ZodType = z.ZodUnknown>(
  spec: RouteSpec<B, Q>,
  handler: (input: RouteInput<B, Q>) => Promise<unknown>,
) {
  return async (request: Request, context: NextContext): Promise<Response> => {
    let cors: Record<string, string> = {};
    try {
      const ctx = await serverCtx();
      cors = corsHeaders(ctx.config.corsOrigins, request.headers.get("origin"));
      const principal = spec.scope ? await authenticate(ctx, request, spec.scope) : null;
      const body = spec.body ? spec.body.parse(await readJsonBody(request, spec.bodyOptional ?? false)) : undefined;
      const query = spec.query ? spec.query.parse(Object.fromEntries(new URL(request.url).searchParams)) : undefined;
      const params = context?.params ? await context.params : {};
      const result = await handler({ ctx, request, params, body, query, principal } as RouteInput<B, Q>);
      if (result instanceof Response) {
        for (const [k, v] of Object.entries(cors)) result.headers.set(k, v);
        return result;
      }
      return jsonResponse(result, cors);
    } catch (error) {
      return errorResponse(error, cors);
    }
  };
}

function jsonResponse(result: unknown, headers: Record<string, string>): Response {
  const body = (result as { [JSON_BODY]?: () => string | Uint8Array<ArrayBuffer> } | null)?.[JSON_BODY];
  if (!body) return Response.json(result, { headers });
  return new Response(body(), { headers: { ...headers, "content-type": "application/json" } });
}

/** Answers CORS preflight requests. */
export async function preflight(request: Request): Promise<Response> {
  const ctx = await serverCtx();
  return new Response(null, { status: 204, headers: corsHeaders(ctx.config.corsOrigins, request.headers.get("origin")) });
}

function presentedKey(request: Request): string | null {
  const auth = request.headers.get("authorization");
  if (auth) {
    const match = /^Bearer\s+(.+)$/i.exec(auth.trim());
    if (match) return match[1].trim();
  }
  return request.headers.get("x-api-key")?.trim() || null;
}

/**
 * The address failed authentications are counted against. A client can write any X-Forwarded-For it likes, so it
 * is only believed behind a proxy (TRUST_PROXY), and then only its last entry, the one the proxy added. Without a
 * trusted proxy every client shares one count (valid keys are never refused by it).
 */
function clientAddress(request: Request, trustProxy: boolean): string {
  if (!trustProxy) return "any";
  return request.headers.get("x-forwarded-for")?.split(",").at(-1)?.trim() || "unknown";
}

async function authenticate(ctx: Ctx, request: Request, scope: ApiScope): Promise<Principal> {
  const key = presentedKey(request);
  if (!key) {
    // No key: a dashboard session may stand in for one (the cookie is SameSite=Lax; a cross-site write is refused).
    const session = await sessionPrincipal(ctx, request);
    if (session && !(request.method !== "GET" && request.headers.get("sec-fetch-site") === "cross-site")) {
      if (!grants(session.scopes, scope)) throw new AppError("forbidden", `Your account lacks the '${scope}' permission`);
      return session;
    }
    throw new AppError(
      "unauthorized",
      "Missing credentials: send an API key as 'Authorization: Bearer <key>' or 'X-API-Key: <key>'",
      undefined,
      { "WWW-Authenticate": "Bearer" },
    );
  }
  const principal = await verifyApiKey(ctx, key);
  if (!principal) {
    await recordAuthFailure(ctx.config, clientAddress(request, ctx.config.trustProxy));
    throw new AppError("unauthorized", "Invalid API key", undefined, { "WWW-Authenticate": "Bearer" });
  }
  if (!grants(principal.scopes, scope)) {
    throw new AppError("forbidden", `This API key lacks the '${scope}' scope (it has: ${principal.scopes.join(", ")})`);
  }
  await consumeKeyQuota(ctx.config, principal.keyId ?? principal.name);
  return principal;
}

async function readJsonBody(request: Request, optional: boolean): Promise<unknown> {
  const text = await readBodyText(request);
  if (optional && text.trim() === "") return {};
  if (!isJsonContentType(request.headers.get("content-type"))) {
    throw new AppError("unsupported_media_type", "Send the body as JSON with 'Content-Type: application/json'");
  }
  return parseJson(text);
}
