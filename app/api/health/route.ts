import { route } from "@/lib/api/handler";
import { checkHealth } from "@/lib/services/check-health";

export const dynamic = "force-dynamic";

// GET /api/health — liveness and database reachability, no auth
export const GET = route({ scope: null }, async ({ ctx }) => checkHealth(ctx));
