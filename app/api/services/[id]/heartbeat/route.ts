import { preflight, route } from "@/lib/api/handler";
import { heartbeatSchema } from "@/lib/core/schemas";
import { recordHeartbeat } from "@/lib/services/record-heartbeat";

// POST /api/services/{id}/heartbeat — record a heartbeat. The answer is the service with its newest 100 events, as
// the original LaneSwap answered; `Prefer: return=minimal` (RFC 7240) leaves the events out.
export const POST = route({ scope: "write", body: heartbeatSchema, bodyOptional: true }, async ({ ctx, params, body, request }) => {
  if (!/\breturn=minimal\b/i.test(request.headers.get("prefer") ?? "")) return recordHeartbeat(ctx, { id: params.id, input: body });
  const service = await recordHeartbeat(ctx, { id: params.id, input: body, withEvents: false });
  return Response.json(service, { headers: { "Preference-Applied": "return=minimal" } });
});

export const OPTIONS = preflight;
