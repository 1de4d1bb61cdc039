import { preflight, route } from "@/lib/api/handler";
import { eventsQuerySchema } from "@/lib/core/schemas";
import { listEvents } from "@/lib/services/list-events";

// GET /api/services/{id}/events — heartbeats and flips, newest first, paged
export const GET = route({ scope: "read", query: eventsQuerySchema }, ({ ctx, params, query }) =>
  listEvents(ctx, { id: params.id, ...query }),
);

export const OPTIONS = preflight;
