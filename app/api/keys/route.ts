import { preflight, route } from "@/lib/api/handler";
import { createKeySchema } from "@/lib/core/schemas";
import { createApiKey } from "@/lib/services/create-api-key";
import { listApiKeys } from "@/lib/services/list-api-keys";

// GET /api/keys — the keys, never the secrets
export const GET = route({ scope: "admin" }, ({ ctx }) => listApiKeys(ctx));

// POST /api/keys — create a key; the secret is in this answer only
export const POST = route({ scope: "admin", body: createKeySchema }, async ({ ctx, body }) =>
  Response.json(await createApiKey(ctx, body), { status: 201 }),
);

export const OPTIONS = preflight;
