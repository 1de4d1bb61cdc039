import { preflight, route } from "@/lib/api/handler";
import { serviceUptime } from "@/lib/services/service-uptime";

export const dynamic = "force-dynamic";

// GET /api/services/{id}/uptime — uptime bars for 24 h, 7 d and 30 d, computed from the service's flips
export const GET = route({ scope: "read" }, ({ ctx, params }) => serviceUptime(ctx, { id: params.id }));

export const OPTIONS = preflight;
