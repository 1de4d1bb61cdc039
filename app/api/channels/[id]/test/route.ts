import { preflight, route } from "@/lib/api/handler";
import { testChannel } from "@/lib/services/channels/test-channel";

// POST /api/channels/{id}/test — send a test notification now
export const POST = route({ scope: "admin" }, ({ ctx, params }) => testChannel(ctx, { id: params.id }));

export const OPTIONS = preflight;
