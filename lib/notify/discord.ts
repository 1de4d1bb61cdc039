import { discordPayload } from "../core/discord-payload";
import type { DiscordConfig } from "../core/channel-config";
import { postJson } from "./http-result";
import type { Notifier } from "./notifier";

/** Posts each notification as one embed to a Discord webhook (SPEC section 3). */
export function discordNotifier(config: DiscordConfig & { defaultUsername: string }): Notifier {
  const opts = { username: config.username ?? config.defaultUsername, avatarUrl: config.avatar_url };
  return {
    send(notification, { signal }) {
      return postJson(config.url, JSON.stringify(discordPayload(notification, opts)), { signal });
    },
  };
}
