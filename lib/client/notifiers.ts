import { discordNotifier as discord } from "../notify/discord.js";
import { slackNotifier as slack } from "../notify/slack.js";
import { webhookNotifier as webhook } from "../notify/webhook.js";
import type { Notifier } from "../notify/notifier.js";

// The server's own channel implementations, for heartbeatSystem({ notifiers }). Same payloads, same wording.

/** Posts each notification as a Discord embed. */
export function discordNotifier(options: { webhookUrl: string; username?: string; avatarUrl?: string }): Notifier {
  return discord({ url: options.webhookUrl, username: options.username, avatar_url: options.avatarUrl, defaultUsername: "LaneSwap Monitor" });
}

/** Posts each notification to a Slack incoming webhook. */
export function slackNotifier(options: { webhookUrl: string }): Notifier {
  return slack({ url: options.webhookUrl });
}

/** POSTs each notification as JSON, signed with HMAC-SHA256 of "<timestamp>.<body>" keyed with `secret`. */
export function webhookNotifier(options: { url: string; secret: string }): Notifier {
  return webhook({ url: options.url, secret: options.secret });
}
