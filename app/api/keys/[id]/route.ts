import { preflight, route } from "@/lib/api/handler";
import { revokeApiKey } from "@/lib/services/revoke-api-key";

// DELETE /api/keys/{id} — revoke a key at once
export const DELETE = route({ scope: "admin" }, async ({ ctx, params }) => {
  await revokeApiKey(ctx, { id: params.id });
  return new Response(null, { status: 204 });
});

export const OPTIONS = preflight;
