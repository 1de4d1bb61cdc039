import { watchedDeadline, isPastDeadline } from "../core/deadline.js";
import { flipForDeadline, flipForHeartbeat, type Flip } from "../core/flip.js";
import { METADATA_MAX_BYTES, mergeMetadata, metadataBytes } from "../core/metadata.js";
import { describeFlip } from "../core/notification.js";
import { LaneSwapError } from "./errors.js";
import type { ClientStatus, Metadata, ServiceEvent, ServiceStatus, Status } from "./types.js";

// Where a heartbeatSystem keeps its services. The system validates every input with the REST API's own schemas
// before a storage sees it, and decides what to notify from the flips a storage reports.

/** A status change the storage made, with the service as it is after it. */
export type FlipRecord = { service: ServiceStatus; flip: Flip; at: string };

export type StorageContext = {
  /** The default threshold in seconds, for services without their own. */
  staleThreshold: number;
  /** The clock to stamp and judge with. */
  now: () => Date;
};

/** A validated registration: the body `POST /api/services` accepts, with the id always given. */
export type StoredRegistration = { service_name: string; service_id: string; metadata?: Metadata; stale_threshold?: number };
/** A validated heartbeat: the body `POST /api/services/{id}/heartbeat` accepts. */
export type StoredHeartbeat = { status: ClientStatus; message?: string | null; metadata?: Metadata };

/** Implement this to keep a heartbeatSystem's services somewhere else. */
export type Storage = {
  open(context: StorageContext): Promise<void>;
  /** Creates the service, or renames it and merges its metadata when the id exists. */
  registerService(input: StoredRegistration): Promise<void>;
  /** Rejects with a LaneSwapError `not_found` (404) for an unknown service. */
  recordHeartbeat(serviceId: string, input: StoredHeartbeat): Promise<{ service: ServiceStatus; flip: FlipRecord | null }>;
  /** With its newest events; rejects with `not_found` for an unknown service. */
  getService(serviceId: string): Promise<ServiceStatus>;
  listServices(): Promise<ServiceStatus[]>;
  /** Marks every service whose deadline passed as stale and returns those flips. */
  markStale(): Promise<FlipRecord[]>;
  /** The earliest deadline being watched, or null. */
  nextDeadline(): Promise<Date | null>;
  close(): Promise<void>;
};

export function notFound(serviceId: string): LaneSwapError {
  const detail = `Service not found: ${serviceId}`;
  return new LaneSwapError({ status: 404, code: "not_found", detail });
}

const EVENTS_KEPT = 100;

type Row = {
  id: string;
  name: string;
  status: Status;
  message: string | null;
  metadata: Metadata;
  createdAt: Date;
  updatedAt: Date;
  lastHeartbeat: Date | null;
  staleThreshold: number | null;
  events: ServiceEvent[];
};

/** Keeps everything in this process's memory: nothing survives a restart. */
export function memoryStorage(): Storage {
  const rows = new Map<string, Row>();
  let context: StorageContext = { staleThreshold: 60, now: () => new Date() };
  const threshold = (row: Row) => row.staleThreshold ?? context.staleThreshold;
  const deadlineOf = (row: Row) =>
    watchedDeadline({ status: row.status, paused: false, lastHeartbeat: row.lastHeartbeat, createdAt: row.createdAt, thresholdSeconds: threshold(row) });
  const view = (row: Row, withEvents: boolean): ServiceStatus => ({
    id: row.id,
    name: row.name,
    status: row.status,
    message: row.message,
    metadata: { ...row.metadata },
    created_at: row.createdAt.toISOString(),
    updated_at: row.updatedAt.toISOString(),
    last_heartbeat: row.lastHeartbeat?.toISOString() ?? null,
    stale_threshold: threshold(row),
    stale_threshold_override: row.staleThreshold !== null,
    paused: false,
    ...(withEvents ? { events: row.events.map((e) => ({ ...e })) } : {}),
  });
  const addEvent = (row: Row, event: ServiceEvent) => {
    row.events.push(event);
    if (row.events.length > EVENTS_KEPT) row.events.splice(0, row.events.length - EVENTS_KEPT);
  };
  const checkSize = (metadata: Metadata) => {
    if (metadataBytes(metadata) > METADATA_MAX_BYTES) {
      throw new LaneSwapError({
        status: 422,
        code: "validation_failed",
        detail: `Merged metadata would exceed ${METADATA_MAX_BYTES} bytes`,
        fields: { metadata: `the merged metadata must be at most ${METADATA_MAX_BYTES} bytes as JSON` },
      });
    }
  };

  return {
    async open(ctx) {
      context = ctx;
    },
    async registerService(input) {
      const now = context.now();
      const row = rows.get(input.service_id);
      if (row) {
        const metadata = mergeMetadata(row.metadata, input.metadata);
        checkSize(metadata);
        row.name = input.service_name;
        row.metadata = metadata;
        row.staleThreshold = input.stale_threshold ?? row.staleThreshold;
        row.updatedAt = now;
        return;
      }
      rows.set(input.service_id, {
        id: input.service_id,
        name: input.service_name,
        status: "unknown",
        message: null,
        metadata: { ...input.metadata },
        createdAt: now,
        updatedAt: now,
        lastHeartbeat: null,
        staleThreshold: input.stale_threshold ?? null,
        events: [],
      });
    },
    async recordHeartbeat(serviceId, input) {
      const row = rows.get(serviceId);
      if (!row) throw notFound(serviceId);
      const now = context.now();
      const metadata = mergeMetadata(row.metadata, input.metadata);
      if (input.metadata) checkSize(metadata);
      const flip = flipForHeartbeat(row.status, input.status);
      const message = input.message ?? null;
      Object.assign(row, { status: input.status, message, metadata, lastHeartbeat: now, updatedAt: now });
      const timestamp = now.toISOString();
      addEvent(row, { type: "heartbeat", timestamp, status: input.status, message });
      if (!flip) return { service: view(row, true), flip: null };
      addEvent(row, { type: "flip", timestamp, status: flip.to, from: flip.from, reason: flip.reason, message });
      return { service: view(row, true), flip: { service: view(row, false), flip, at: timestamp } };
    },
    async getService(serviceId) {
      const row = rows.get(serviceId);
      if (!row) throw notFound(serviceId);
      return view(row, true);
    },
    async listServices() {
      return [...rows.values()].sort((a, b) => (a.id < b.id ? -1 : 1)).map((row) => view(row, false));
    },
    async markStale() {
      const now = context.now();
      const flips: FlipRecord[] = [];
      for (const row of rows.values()) {
        if (!isPastDeadline(deadlineOf(row), now)) continue;
        const flip = flipForDeadline(row.status);
        if (!flip) continue;
        row.status = "stale";
        row.updatedAt = now;
        const service = view(row, false);
        const { message } = describeFlip(flip, {
          id: row.id,
          name: row.name,
          status: row.status,
          message: row.message,
          metadata: row.metadata,
          lastHeartbeat: service.last_heartbeat,
          staleThresholdSeconds: threshold(row),
        });
        addEvent(row, { type: "flip", timestamp: now.toISOString(), status: "stale", from: flip.from, reason: flip.reason, message });
        flips.push({ service, flip, at: now.toISOString() });
      }
      return flips;
    },
    async nextDeadline() {
      let earliest: Date | null = null;
      for (const row of rows.values()) {
        const deadline = deadlineOf(row);
        if (deadline && (!earliest || deadline < earliest)) earliest = deadline;
      }
      return earliest;
    },
    async close() {},
  };
}
