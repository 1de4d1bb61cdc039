import type { Level } from "./notification";

export type ChannelFilter = { enabled: boolean; levels: readonly Level[]; serviceIds: readonly string[] | null };

/** Whether a channel subscribes to a notification of this level about this service. */
export function channelWants(channel: ChannelFilter, n: { level: Level; serviceId: string }): boolean {
  if (!channel.enabled) return false;
  if (!channel.levels.includes(n.level)) return false;
  return channel.serviceIds === null || channel.serviceIds.includes(n.serviceId);
}
