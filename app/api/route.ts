import { route } from "@/lib/api/handler";
import { VERSION } from "@/lib/version";

// GET /api — name and version, no auth
export const GET = route({ scope: null }, async () => ({ name: "LaneSwap API", version: VERSION, status: "operational" }));
