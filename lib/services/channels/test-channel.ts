import type { ChannelConfig } from "../../core/channel-config";
import type { Notification } from "../../core/notification";
import { createNotifier } from "../../notify/create-notifier";
import type { SendResult } from "../../notify/notifier";
import type { Ctx } from "../context";
import { nowOf } from "../context";
import { findChannel } from "./list-channels";

/** Sends a test notification straight away (not through the outbox) and says how the endpoint answered. */
export async function testChannel(ctx: Ctx, { id }: { id: string }): Promise<{ ok: boolean; error?: string }> {
  const channel = await findChannel(ctx, { id });
  const now = nowOf(ctx);
  const notification: Notification = {
    kind: "test",
    title: "LaneSwap test notification",
    message: `This is a test of the channel "${channel.name}". If you can read it, notifications will arrive here.`,
    level: "info",
    at: now.toISOString(),
    service: {
      id: "laneswap-test",
      name: "LaneSwap",
      status: "healthy",
      message: null,
      metadata: {},
      lastHeartbeat: now.toISOString(),
      staleThresholdSeconds: ctx.config.staleThresholdSeconds,
    },
  };
  const notifier = createNotifier({ type: channel.type, config: channel.config } as ChannelConfig, {
    discordUsername: ctx.config.discordWebhookUsername,
  });
  let result: SendResult;
  try {
    result = await notifier.send(notification, { signal: AbortSignal.timeout(ctx.config.delivery.timeoutMs) });
  } catch (error) {
    result = { ok: false, retryable: true, gone: false, error: (error as Error).message };
  }
  if (result.ok) {
    if (channel.brokenAt) await ctx.db.channel.update({ where: { id }, data: { brokenAt: null, brokenReason: null } });
    return { ok: true };
  }
  if (result.gone) await ctx.db.channel.update({ where: { id }, data: { brokenAt: now, brokenReason: result.error } });
  return { ok: false, error: result.error };
}
