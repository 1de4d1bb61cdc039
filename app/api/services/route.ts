import { preflight, route } from "@/lib/api/handler";
import { listServicesQuerySchema, registerServiceSchema } from "@/lib/core/schemas";
import { listServices } from "@/lib/services/list-services";
import { registerService } from "@/lib/services/register-service";

// GET /api/services — every service (paged), with the fleet summary
export const GET = route({ scope: "read", query: listServicesQuerySchema }, ({ ctx, query }) => listServices(ctx, query));

// POST /api/services — register a service (idempotent for a known service_id)
export const POST = route({ scope: "write", body: registerServiceSchema }, ({ ctx, body }) => registerService(ctx, body));

export const OPTIONS = preflight;
