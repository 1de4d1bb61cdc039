import { z } from "zod";
import { route } from "@/lib/api/handler";
import { OVERVIEW_SORTS } from "@/lib/core/overview";
import { STATUSES } from "@/lib/core/status";
import { queryOverview } from "@/lib/services/query-overview";

export const dynamic = "force-dynamic";

const overviewQuerySchema = z.strictObject({
  status: z.enum(STATUSES).optional(),
  q: z.string().max(200).optional(),
  sort: z.enum(OVERVIEW_SORTS).default("severity"),
  offset: z.coerce.number().int().min(0).default(0),
  limit: z.coerce.number().int().min(1).max(500).default(60),
});

// GET /api/overview — the dashboard's page of services: searched (id, name, message, metadata values), filtered,
// sorted by severity, name or last heartbeat, with the fleet summary and per-status counts
export const GET = route({ scope: "read", query: overviewQuerySchema }, ({ ctx, query }) => queryOverview(ctx, query));
