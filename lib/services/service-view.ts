import type { Metadata } from "../core/metadata";
import type { Status } from "../core/status";
import type { Ctx } from "./context";
import { thresholdOf } from "./context";

// The JSON shapes the REST API answers with (compatible with the original LaneSwap).

export type ServiceRow = {
  id: string;
  name: string;
  status: string;
  message: string | null;
  metadata: unknown;
  createdAt: Date;
  updatedAt: Date;
  lastHeartbeat: Date | null;
  staleThreshold: number | null;
  paused: boolean;
};

export type EventRow = {
  id: string;
  type: string;
  status: string;
  fromStatus: string | null;
  message: string | null;
  reason: string | null;
  at: Date;
};

export type EventView = {
  id: string;
  type: "heartbeat" | "flip";
  timestamp: string;
  status: Status;
  message: string | null;
  from?: Status;
  reason?: string;
};

export type ServiceView = {
  id: string;
  name: string;
  status: Status;
  message: string | null;
  metadata: Metadata;
  created_at: string;
  updated_at: string;
  last_heartbeat: string | null;
  stale_threshold: number;
  stale_threshold_override: boolean;
  paused: boolean;
  events?: EventView[];
};

export function toEventView(e: EventRow): EventView {
  const view: EventView = {
    id: e.id,
    type: e.type as EventView["type"],
    timestamp: e.at.toISOString(),
    status: e.status as Status,
    message: e.message,
  };
  if (e.type === "flip") {
    view.from = e.fromStatus as Status;
    view.reason = e.reason ?? undefined;
  }
  return view;
}

export function toServiceView(ctx: Ctx, s: ServiceRow, events?: EventRow[]): ServiceView {
  const view: ServiceView = {
    id: s.id,
    name: s.name,
    status: s.status as Status,
    message: s.message,
    metadata: (s.metadata ?? {}) as Metadata,
    created_at: s.createdAt.toISOString(),
    updated_at: s.updatedAt.toISOString(),
    last_heartbeat: s.lastHeartbeat?.toISOString() ?? null,
    stale_threshold: thresholdOf(ctx, s.staleThreshold),
    stale_threshold_override: s.staleThreshold !== null,
    paused: s.paused,
  };
  // The service's own events are newest first in storage; the compatible shape lists them oldest first.
  if (events) view.events = events.map(toEventView).reverse();
  return view;
}

export const SERVICE_EVENTS_IN_VIEW = 100;

/** Set on a view that carries its own JSON: `view[JSON_BODY]()` is `JSON.stringify(view)` (as text or UTF-8), made cheaply. */
export const JSON_BODY = Symbol.for("laneswap.jsonBody");

const END = Buffer.from("}");

/**
 * Gives a view the events whose JSON (an array of EventView, as text or UTF-8 bytes) was built elsewhere:
 * serialising the view splices it in instead of parsing and re-encoding a hundred events; reading `events` parses it
 * once. The view's other fields are serialised here, so set them before.
 */
export function withEventsJson(view: ServiceView, eventsJson: string | Buffer): ServiceView {
  let events: EventView[] | undefined;
  const head = `${JSON.stringify(view).slice(0, -1)},"events":`;
  Object.defineProperty(view, "events", {
    enumerable: true,
    get: () => (events ??= JSON.parse(eventsJson.toString()) as EventView[]),
  });
  const body =
    typeof eventsJson === "string" ? () => `${head}${eventsJson}}` : () => Buffer.concat([Buffer.from(head), eventsJson, END]);
  Object.defineProperty(view, JSON_BODY, { value: body });
  return view;
}

/** A view's JSON as text. */
export function serviceJson(view: ServiceView): string {
  const body = (view as { [JSON_BODY]?: () => string | Buffer })[JSON_BODY];
  return body ? body().toString() : JSON.stringify(view);
}
