import type { JsonValue, Metadata } from "../core/metadata.js";
import type { ClientStatus, Status } from "../core/status.js";

// The shapes the REST API answers with (SPEC section 2), as the client library returns them. The in-process
// heartbeatSystem answers with the same shapes, so code can move between the two.

export type { ClientStatus, JsonValue, Metadata, Status };

export type ServiceEvent = {
  id?: string;
  type: "heartbeat" | "flip";
  /** ISO 8601, UTC. */
  timestamp: string;
  /** For a flip: the new status. */
  status: Status;
  message: string | null;
  /** For a flip: the status before. */
  from?: Status;
  /** For a flip: heartbeat, recovered or stale. */
  reason?: string;
};

/** A service as `GET /api/services/{id}` answers (`events`: the newest 100, oldest first). */
export type ServiceStatus = {
  id: string;
  name: string;
  status: Status;
  message: string | null;
  metadata: Metadata;
  created_at: string;
  updated_at: string;
  last_heartbeat: string | null;
  /** The threshold in force, in seconds: the service's own or the default. */
  stale_threshold: number;
  stale_threshold_override?: boolean;
  paused: boolean;
  events?: ServiceEvent[];
};

/** `GET /api/services`: the services (keyed by id), the whole fleet's summary, and the cursor of the next page. */
export type ServiceList = {
  services: Record<string, ServiceStatus>;
  summary: { total: number; status_counts: Record<Status, number> };
  next_cursor?: string | null;
};

export type EventPage = { events: ServiceEvent[]; next_cursor: string | null };

export type RegisterServiceOptions = {
  /** 1-200 characters. */
  serviceName: string;
  /** Your own stable id (`[A-Za-z0-9._:-]{1,128}`); registering it again renames the service and merges metadata. */
  serviceId?: string;
  metadata?: Metadata;
  /** Seconds without a heartbeat before this service is stale (default: the server's HEARTBEAT_STALE_THRESHOLD). */
  staleThreshold?: number;
};

export type HeartbeatOptions = {
  /** Defaults to the client's service. */
  serviceId?: string;
  /** Default `healthy`. `stale` and `unknown` are set by LaneSwap itself and rejected. */
  status?: ClientStatus;
  message?: string | null;
  /** Shallow-merged into the service's metadata. */
  metadata?: Metadata;
};

export type ListServicesOptions = { status?: Status; q?: string; limit?: number; cursor?: string };

export type ListEventsOptions = { limit?: number; before?: string };

/** What sends heartbeats: a LaneSwapClient, a running heartbeatSystem, or your own. */
export type HeartbeatTarget = {
  sendHeartbeat(options: HeartbeatOptions): Promise<unknown>;
  /** Reports a heartbeat that could not be sent by background work (withHeartbeat never throws for one). */
  reportError?(error: unknown, context: ErrorContext): void;
  /** Keeps background work (the final heartbeat of a wrapped synchronous function) so close()/flush() can wait. */
  track?(work: Promise<unknown>): void;
};

export type ErrorContext = {
  /** What failed: register, heartbeat, auto-heartbeat, with-heartbeat, stale-check, notify, … */
  operation: string;
  serviceId?: string;
};
