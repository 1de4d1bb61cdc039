import { z } from "zod";
import { LEVELS } from "./notification";
import { serviceIdSchema } from "./schemas";

// Notification channels: the settings each type needs, validated the same way by the API, the dashboard and the
// CLI.

const httpsOrLocalUrl = z.url({ protocol: /^https?$/ });

export const discordConfigSchema = z.strictObject({
  url: httpsOrLocalUrl,
  username: z.string().trim().min(1).max(80).optional(),
  avatar_url: httpsOrLocalUrl.optional(),
});
export const slackConfigSchema = z.strictObject({ url: httpsOrLocalUrl });
export const webhookConfigSchema = z.strictObject({
  url: httpsOrLocalUrl,
  // The key of the X-LaneSwap-Signature HMAC; the receiver checks it to know the request came from us.
  secret: z.string().min(16, "must be at least 16 characters"),
});
export const emailConfigSchema = z.strictObject({
  host: z.string().trim().min(1),
  port: z.number().int().min(1).max(65535).default(587),
  secure: z.boolean().default(false),
  user: z.string().optional(),
  password: z.string().optional(),
  from: z.email(),
  to: z.array(z.email()).min(1),
});

export const CHANNEL_TYPES = ["discord", "slack", "webhook", "email"] as const;
export type ChannelType = (typeof CHANNEL_TYPES)[number];

export const channelConfigSchema = z.discriminatedUnion("type", [
  z.strictObject({ type: z.literal("discord"), config: discordConfigSchema }),
  z.strictObject({ type: z.literal("slack"), config: slackConfigSchema }),
  z.strictObject({ type: z.literal("webhook"), config: webhookConfigSchema }),
  z.strictObject({ type: z.literal("email"), config: emailConfigSchema }),
]);
export type ChannelConfig = z.infer<typeof channelConfigSchema>;
export type DiscordConfig = z.infer<typeof discordConfigSchema>;
export type SlackConfig = z.infer<typeof slackConfigSchema>;
export type WebhookConfig = z.infer<typeof webhookConfigSchema>;
export type EmailConfig = z.infer<typeof emailConfigSchema>;

const channelCommon = {
  name: z.string().trim().min(1).max(100),
  /** Which notification levels this channel receives; all by default. */
  levels: z.array(z.enum(LEVELS)).min(1).transform((l) => [...new Set(l)]).optional(),
  /** Which services this channel is about; null or absent: all of them. */
  service_ids: z.array(serviceIdSchema).max(10_000).nullable().optional(),
  enabled: z.boolean().optional(),
};

export const createChannelSchema = z.intersection(z.strictObject(channelCommon), channelConfigSchema);
export const patchChannelSchema = z
  .strictObject({ ...channelCommon, name: channelCommon.name.optional(), config: z.record(z.string(), z.unknown()).optional() })
  .refine((p) => Object.keys(p).length > 0, "give at least one field to change");
