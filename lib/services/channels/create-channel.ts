import { randomUUID } from "node:crypto";
import type { z } from "zod";
import type { createChannelSchema } from "../../core/channel-config";
import { LEVELS } from "../../core/notification";
import type { Ctx } from "../context";
import { nowOf } from "../context";
import { toChannelView, type ChannelView } from "./channel-view";

export async function createChannel(ctx: Ctx, input: z.output<typeof createChannelSchema>): Promise<ChannelView> {
  const now = nowOf(ctx);
  const row = await ctx.db.channel.create({
    data: {
      id: randomUUID(),
      name: input.name,
      type: input.type,
      config: input.config,
      levels: (input.levels ?? LEVELS).join(","),
      serviceIds: input.service_ids ?? undefined,
      enabled: input.enabled ?? true,
      createdAt: now,
      updatedAt: now,
    },
  });
  return toChannelView(row);
}
