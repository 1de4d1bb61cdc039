import { preflight, route } from "@/lib/api/handler";
import { createChannelSchema } from "@/lib/core/channel-config";
import { createChannel } from "@/lib/services/channels/create-channel";
import { listChannels } from "@/lib/services/channels/list-channels";

// GET /api/channels — notification channels, secrets masked, broken ones marked
export const GET = route({ scope: "admin" }, ({ ctx }) => listChannels(ctx));

// POST /api/channels — add a Discord, Slack, webhook or email channel
export const POST = route({ scope: "admin", body: createChannelSchema }, async ({ ctx, body }) =>
  Response.json(await createChannel(ctx, body), { status: 201 }),
);

export const OPTIONS = preflight;
