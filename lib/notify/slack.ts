import { formatDiscordTime, LEVEL_COLORS, publicMetadataEntries, truncate } from "../core/discord-payload";
import type { SlackConfig } from "../core/channel-config";
import type { Notification } from "../core/notification";
import { postJson } from "./http-result";
import type { Notifier } from "./notifier";

// Slack incoming webhook: one legacy attachment, colored like the Discord embed, with the same fields and the same
// redaction of secret-looking metadata keys. Slack answers 200 "ok"; 404/410 (no_service, channel_not_found,
// channel_is_archived) and 403 mean the webhook is gone; 429 carries Retry-After (see http-result.ts).

const MAX_TEXT = 3000;
const MAX_FIELD = 2000;

/** Slack control characters; everything else in mrkdwn is left alone. */
function escape(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

const hex = (color: number) => `#${color.toString(16).padStart(6, "0")}`;

export function slackPayload(n: Notification) {
  const { service } = n;
  const metadata = publicMetadataEntries(service.metadata)
    .map(([key, value]) => `*${escape(key)}*: ${escape(value)}`)
    .join("\n");
  const fields = [
    { title: "Service Name", value: escape(truncate(service.name, MAX_FIELD)), short: true },
    { title: "Status", value: service.status, short: true },
    { title: "Last Heartbeat", value: formatDiscordTime(service.lastHeartbeat), short: true },
    ...(metadata ? [{ title: "Metadata", value: truncate(metadata, MAX_FIELD), short: false }] : []),
  ];
  const at = Date.parse(n.at);
  return {
    text: escape(truncate(n.title, MAX_TEXT)),
    attachments: [
      {
        color: hex(LEVEL_COLORS[n.level]),
        fallback: escape(truncate(`${n.title}: ${n.message}`, MAX_TEXT)),
        title: escape(truncate(n.title, MAX_TEXT)),
        ...(n.monitorUrl ? { title_link: n.monitorUrl } : {}),
        text: escape(truncate(n.message, MAX_TEXT)),
        fields,
        mrkdwn_in: ["fields"],
        footer: "LaneSwap",
        ts: Math.floor((Number.isNaN(at) ? Date.now() : at) / 1000),
      },
    ],
  };
}

export function slackNotifier(config: SlackConfig): Notifier {
  return {
    send(notification, { signal }) {
      return postJson(config.url, JSON.stringify(slackPayload(notification)), { signal });
    },
  };
}
