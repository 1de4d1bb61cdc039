import type { z } from "zod";
import { channelConfigSchema, type patchChannelSchema } from "../../core/channel-config";
import { AppError } from "../../core/errors";
import type { Ctx } from "../context";
import { nowOf } from "../context";
import { toChannelView, type ChannelView } from "./channel-view";
import { findChannel } from "./list-channels";

/**
 * Changes a channel. `config` is merged into the stored one (so a masked secret need not be sent back) and
 * validated whole. Any change clears the broken mark, so held-back alerts are tried again.
 */
export async function updateChannel(
  ctx: Ctx,
  { id, patch }: { id: string; patch: z.output<typeof patchChannelSchema> },
): Promise<ChannelView> {
  const current = await findChannel(ctx, { id });
  if (current.managed) {
    throw new AppError("conflict", "This channel mirrors DISCORD_WEBHOOK_URL; change the environment variable instead");
  }
  let config = current.config;
  if (patch.config) {
    const merged = channelConfigSchema.safeParse({ type: current.type, config: { ...(current.config as object), ...patch.config } });
    if (!merged.success) {
      const fields = Object.fromEntries(merged.error.issues.map((i) => [i.path.join("."), i.message]));
      throw new AppError("validation_failed", "Invalid channel configuration", fields);
    }
    config = merged.data.config;
  }
  const row = await ctx.db.channel.update({
    where: { id },
    data: {
      ...(patch.name !== undefined ? { name: patch.name } : {}),
      ...(patch.levels !== undefined ? { levels: patch.levels.join(",") } : {}),
      ...(patch.service_ids !== undefined ? { serviceIds: patch.service_ids ?? undefined } : {}),
      ...(patch.enabled !== undefined ? { enabled: patch.enabled } : {}),
      config: config as object,
      brokenAt: null,
      brokenReason: null,
      pausedUntil: null,
      updatedAt: nowOf(ctx),
    },
  });
  return toChannelView(row);
}
