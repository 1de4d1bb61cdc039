import type { ChannelConfig } from "../core/channel-config";
import { discordNotifier } from "./discord";
import { emailNotifier } from "./email";
import type { Notifier } from "./notifier";
import { slackNotifier } from "./slack";
import { webhookNotifier } from "./webhook";

/** The Notifier for a channel's validated config. */
export function createNotifier(channel: ChannelConfig, defaults: { discordUsername: string }): Notifier {
  switch (channel.type) {
    case "discord":
      return discordNotifier({ ...channel.config, defaultUsername: defaults.discordUsername });
    case "slack":
      return slackNotifier(channel.config);
    case "webhook":
      return webhookNotifier(channel.config);
    case "email":
      return emailNotifier(channel.config);
    default: {
      const unknown: never = channel;
      throw new Error(`unknown channel type: ${(unknown as { type: string }).type}`);
    }
  }
}
