import { LEVELS } from "../core/notification";
import type { Ctx } from "./context";
import { nowOf } from "./context";

export const ENV_CHANNEL_ID = "env-discord";

/**
 * Mirrors DISCORD_WEBHOOK_URL as a managed channel, so flips recorded by any process reach it through the same
 * outbox as the channels made in the API. Unsetting the variable disables the channel; its history stays.
 */
export async function syncEnvChannel(ctx: Ctx): Promise<void> {
  const url = ctx.config.discordWebhookUrl;
  const now = nowOf(ctx);
  if (!url) {
    await ctx.db.channel.updateMany({ where: { id: ENV_CHANNEL_ID }, data: { enabled: false } });
    return;
  }
  const config = { url, username: ctx.config.discordWebhookUsername };
  const existing = await ctx.db.channel.findUnique({ where: { id: ENV_CHANNEL_ID } });
  if (!existing) {
    await ctx.db.channel
      .create({
        data: {
          id: ENV_CHANNEL_ID,
          name: "Discord (DISCORD_WEBHOOK_URL)",
          type: "discord",
          config,
          levels: LEVELS.join(","),
          managed: true,
          createdAt: now,
          updatedAt: now,
        },
      })
      .catch((error: { code?: string }) => {
        if (error.code !== "P2002") throw error; // another process created it at the same moment
      });
    return;
  }
  const same = JSON.stringify(existing.config) === JSON.stringify(config) && existing.enabled;
  if (!same) {
    await ctx.db.channel.update({
      where: { id: ENV_CHANNEL_ID },
      data: { config, enabled: true, brokenAt: null, brokenReason: null, updatedAt: now },
    });
  }
}
