import { publicMetadata, type Metadata } from "./metadata";
import type { Level, Notification } from "./notification";

// The Discord webhook message for a notification (SPEC section 3). Pure: no I/O, so the tests can check the exact
// payload. Everything that could exceed one of Discord's limits is shortened with "…" rather than rejected.

/** Discord's documented limits (characters) for webhook messages and embeds. */
export const DISCORD_LIMITS = {
  username: 80,
  embeds: 10,
  title: 256,
  description: 4096,
  fields: 25,
  fieldName: 256,
  fieldValue: 1024,
  footerText: 2048,
  authorName: 256,
  /** title + description + field names and values + footer text + author name, over all embeds. */
  total: 6000,
} as const;

export const LEVEL_COLORS: Record<Level, number> = {
  info: 0x3498db,
  success: 0x2ecc71,
  warning: 0xf39c12,
  error: 0xe74c3c,
};

/** What goes in a field whose value would be empty (Discord rejects empty field values). */
export const EMPTY_FIELD_VALUE = "—";
const ELLIPSIS = "…";

export type DiscordField = { name: string; value: string; inline?: boolean };
export type DiscordEmbed = {
  title: string;
  description: string;
  url?: string;
  color: number;
  timestamp: string;
  fields: DiscordField[];
};
export type DiscordPayload = { username?: string; avatar_url?: string; embeds: DiscordEmbed[] };

/**
 * Shortens `text` to at most `max` UTF-16 code units (so also at most `max` code points, which is what Discord
 * counts), ending it with "…" when cut, and never splitting a surrogate pair.
 */
export function truncate(text: string, max: number): string {
  if (text.length <= max) return text;
  if (max <= 0) return "";
  let end = max - ELLIPSIS.length;
  const code = text.charCodeAt(end - 1);
  if (end > 0 && code >= 0xd800 && code <= 0xdbff) end -= 1; // do not leave half a surrogate pair
  return text.slice(0, Math.max(0, end)) + ELLIPSIS;
}

/** `YYYY-MM-DD HH:MM:SS UTC` for an ISO time, `never` for null; an unparseable string is shown as it is. */
export function formatDiscordTime(iso: string | null): string {
  if (iso === null) return "never";
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return `${date.toISOString().slice(0, 19).replace("T", " ")} UTC`;
}

/** The metadata safe to show, as [key, text] pairs: strings as they are, anything else JSON-encoded. */
export function publicMetadataEntries(metadata: Metadata): Array<[string, string]> {
  return Object.entries(publicMetadata(metadata)).map(([key, value]) => [
    key,
    typeof value === "string" ? value : JSON.stringify(value),
  ]);
}

/** `**k**: v` lines for the metadata that is safe to show; empty string when there is none. */
export function metadataLines(metadata: Metadata): string {
  return publicMetadataEntries(metadata)
    .map(([key, value]) => `**${key}**: ${value}`)
    .join("\n");
}

function fieldValue(text: string): string {
  return text.trim() === "" ? EMPTY_FIELD_VALUE : truncate(text, DISCORD_LIMITS.fieldValue);
}

function field(name: string, value: string, inline: boolean): DiscordField {
  return { name: truncate(name, DISCORD_LIMITS.fieldName), value: fieldValue(value), inline };
}

function embedChars(embed: DiscordEmbed): number {
  return embed.fields.reduce((n, f) => n + f.name.length + f.value.length, embed.title.length + embed.description.length);
}

function isHttpUrl(value: string | undefined): value is string {
  if (!value || value.length > 2048) return false;
  try {
    return /^https?:$/.test(new URL(value).protocol);
  } catch {
    return false;
  }
}

/** Discord refuses webhook usernames containing "discord" or "clyde"; such a name is left out (the webhook's own is used). */
function safeUsername(username: string): string | undefined {
  const name = truncate(username.trim(), DISCORD_LIMITS.username);
  if (name === "" || /discord|clyde/i.test(name)) return undefined;
  return name;
}

export function discordPayload(n: Notification, opts: { username: string; avatarUrl?: string }): DiscordPayload {
  const { service } = n;
  const embed: DiscordEmbed = {
    title: truncate(n.title, DISCORD_LIMITS.title),
    description: truncate(n.message, DISCORD_LIMITS.description),
    ...(isHttpUrl(n.monitorUrl) ? { url: n.monitorUrl } : {}),
    color: LEVEL_COLORS[n.level],
    timestamp: n.at,
    fields: [
      field("Service Name", service.name, true),
      field("Status", service.status, true),
      field("Last Heartbeat", formatDiscordTime(service.lastHeartbeat), true),
    ],
  };

  // The Metadata field comes last and is what gives way when the embed would exceed the total.
  const lines = metadataLines(service.metadata);
  if (lines !== "") {
    const name = "Metadata";
    const room = Math.min(DISCORD_LIMITS.fieldValue, DISCORD_LIMITS.total - embedChars(embed) - name.length);
    if (room >= 16) embed.fields.push({ name, value: truncate(lines, room), inline: false });
  }
  // Without metadata the fixed parts always fit (256 + 4096 + 3 short fields + a 1024 name < 6000), but stay safe.
  const excess = embedChars(embed) - DISCORD_LIMITS.total;
  if (excess > 0) embed.description = truncate(embed.description, Math.max(1, embed.description.length - excess));
  embed.fields = embed.fields.slice(0, DISCORD_LIMITS.fields);

  const username = safeUsername(opts.username);
  return {
    ...(username ? { username } : {}),
    ...(isHttpUrl(opts.avatarUrl) ? { avatar_url: opts.avatarUrl } : {}),
    embeds: [embed],
  };
}
