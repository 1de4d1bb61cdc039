// laneswap: the TypeScript client library. No Next.js, no Prisma: it runs in any Node 20+ program.
// The SQLite storage for in-process mode, which needs LaneSwap's Prisma storage, is "laneswap/sqlite".

export { LaneSwapClient, type LaneSwapClientOptions } from "./client.js";
export { LaneSwapError, isLaneSwapError, type ClientErrorCode, type LaneSwapErrorInit } from "./errors.js";
export { registerService, sendHeartbeat, getService, withHeartbeat, heartbeat } from "./default.js";
export { configure, getDefaultClient, activeSystem } from "./active.js";
export { heartbeatSystem, HeartbeatSystem, type HeartbeatSystemOptions } from "./system.js";
export {
  memoryStorage,
  type Storage,
  type StorageContext,
  type FlipRecord,
  type StoredRegistration,
  type StoredHeartbeat,
} from "./storage.js";
export { generateMonitorUrl } from "./monitor-url.js";
export { discordNotifier, slackNotifier, webhookNotifier } from "./notifiers.js";
export { normalizeApiUrl, type RetryOptions } from "./http.js";
export type { StartCommand } from "./start-server.js";
export type { WithHeartbeatOptions } from "./with-heartbeat.js";
export type {
  ClientStatus,
  ErrorContext,
  EventPage,
  HeartbeatOptions,
  HeartbeatTarget,
  JsonValue,
  ListEventsOptions,
  ListServicesOptions,
  Metadata,
  RegisterServiceOptions,
  ServiceEvent,
  ServiceList,
  ServiceStatus,
  Status,
} from "./types.js";
export { STATUSES, CLIENT_STATUSES } from "../core/status.js";
export type { Notifier, SendResult } from "../notify/notifier.js";
export type { Notification, ServiceSnapshot, Level, NotificationKind } from "../core/notification.js";
export type { Flip, FlipReason } from "../core/flip.js";
