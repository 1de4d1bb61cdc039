import { preflight, route } from "@/lib/api/handler";
import { heartbeatSchema } from "@/lib/core/schemas";
import { recordHeartbeat } from "@/lib/services/record-heartbeat";

// POST /api/services/{id}/heartbeat — record a heartbeat
export const POST = route({ scope: "write", body: heartbeatSchema, bodyOptional: true }, ({ ctx, params, body }) =>
  recordHeartbeat(ctx, { id: params.id, input: body }),
);

export const OPTIONS = preflight;
