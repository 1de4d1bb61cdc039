import { preflight, route } from "@/lib/api/handler";
import { patchServiceSchema } from "@/lib/core/schemas";
import { deleteService } from "@/lib/services/delete-service";
import { getService } from "@/lib/services/get-service";
import { updateService } from "@/lib/services/update-service";

// GET /api/services/{id} — one service with its newest events
export const GET = route({ scope: "read" }, ({ ctx, params }) => getService(ctx, { id: params.id }));

// PATCH /api/services/{id} — rename, replace metadata, change the threshold, pause or resume
export const PATCH = route({ scope: "write", body: patchServiceSchema }, ({ ctx, params, body }) =>
  updateService(ctx, { id: params.id, patch: body }),
);

// DELETE /api/services/{id} — remove a service and its history
export const DELETE = route({ scope: "admin" }, async ({ ctx, params }) => {
  await deleteService(ctx, { id: params.id });
  return new Response(null, { status: 204 });
});

export const OPTIONS = preflight;
