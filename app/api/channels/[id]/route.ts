import { preflight, route } from "@/lib/api/handler";
import { patchChannelSchema } from "@/lib/core/channel-config";
import { deleteChannel } from "@/lib/services/channels/delete-channel";
import { getChannel } from "@/lib/services/channels/list-channels";
import { updateChannel } from "@/lib/services/channels/update-channel";

// GET /api/channels/{id} — one channel
export const GET = route({ scope: "admin" }, ({ ctx, params }) => getChannel(ctx, { id: params.id }));

// PATCH /api/channels/{id} — change it (clears the broken mark)
export const PATCH = route({ scope: "admin", body: patchChannelSchema }, ({ ctx, params, body }) =>
  updateChannel(ctx, { id: params.id, patch: body }),
);

// DELETE /api/channels/{id} — remove it
export const DELETE = route({ scope: "admin" }, async ({ ctx, params }) => {
  await deleteChannel(ctx, { id: params.id });
  return new Response(null, { status: 204 });
});

export const OPTIONS = preflight;
