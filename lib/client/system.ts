import { PendingWork } from "./pending-work.js";
import { randomUUID } from "node:crypto";
import { decideFlipAlert } from "../core/alert-policy.js";
import { describeFlip, type Notification, type ServiceSnapshot } from "../core/notification.js";
import { heartbeatSchema, registerServiceSchema } from "../core/schemas.js";
import type { Notifier } from "../notify/notifier.js";
import { zeroStatusCounts } from "../core/status.js";
import { enterSystem, leaveSystem } from "./active.js";
import { deliverNotification } from "./deliver.js";
import { LaneSwapError } from "./errors.js";
import { generateMonitorUrl } from "./monitor-url.js";
import { memoryStorage, type FlipRecord, type Storage } from "./storage.js";
import type { ErrorContext, HeartbeatOptions, RegisterServiceOptions, ServiceList, ServiceStatus } from "./types.js";
import { parse } from "./validate.js";
import { wrapWithHeartbeat, type WithHeartbeatOptions } from "./with-heartbeat.js";

// In-process mode, as in the original's quick start: the server's engine (deadlines, flips, notification wording)
// running inside the host process, on memory or on LaneSwap's own SQLite storage, telling the given notifiers.

export type HeartbeatSystemOptions = {
  /** Told about every status change (a first heartbeat, unknown → healthy, only with notifyFirstHeartbeat). */
  notifiers?: Notifier[];
  /** Default: memoryStorage(). `sqliteStorage()` from "laneswap/sqlite" keeps LaneSwap's own database. */
  storage?: Storage;
  /** The longest time between two stale checks, in seconds (default 30). A deadline is checked when it passes. */
  checkInterval?: number;
  /** Seconds without a heartbeat before a service is stale, unless it has its own threshold (default 60). */
  staleThreshold?: number;
  notifyFirstHeartbeat?: boolean;
  /** Seconds one notifier may take to send (default 10); a retryable failure is tried twice more. */
  notifyTimeout?: number;
  /** The dashboard to link to in notifications, if any. */
  monitorUrl?: string;
  /** Failures of the background work (stale checks, notifiers); default: console.warn. */
  onError?: (error: LaneSwapError, context: ErrorContext) => void;
  /** The clock (tests): timers still run in real time, call check() after moving it. */
  now?: () => Date;
  /** Keep the process alive while the system runs (default false: like any monitoring client, it does not). */
  keepAlive?: boolean;
};

const MIN_WAIT_MS = 10;

function snapshotOf(service: ServiceStatus): ServiceSnapshot {
  return {
    id: service.id,
    name: service.name,
    status: service.status,
    message: service.message,
    metadata: service.metadata,
    lastHeartbeat: service.last_heartbeat,
    staleThresholdSeconds: service.stale_threshold,
  };
}

/** A running in-process monitor. Stop it with stop(), or let `await using` do it. */
export class HeartbeatSystem implements AsyncDisposable {
  readonly checkInterval: number;
  readonly staleThreshold: number;
  readonly #storage: Storage;
  readonly #notifiers: Notifier[];
  readonly #options: HeartbeatSystemOptions;
  readonly #now: () => Date;
  readonly #stopping = new AbortController();
  #timer: ReturnType<typeof setTimeout> | undefined;
  #checking: Promise<number> = Promise.resolve(0);
  #pending = new PendingWork();
  #stopped: Promise<void> | undefined;

  /** Use heartbeatSystem(), which opens the storage and starts the checker. */
  constructor(options: HeartbeatSystemOptions = {}) {
    this.#options = options;
    this.#storage = options.storage ?? memoryStorage();
    this.#notifiers = [...(options.notifiers ?? [])];
    this.#now = options.now ?? (() => new Date());
    this.checkInterval = options.checkInterval ?? 30;
    this.staleThreshold = options.staleThreshold ?? 60;
    if (!(this.checkInterval > 0)) throw new TypeError("heartbeatSystem: checkInterval must be a positive number of seconds");
    if (!(this.staleThreshold > 0)) throw new TypeError("heartbeatSystem: staleThreshold must be a positive number of seconds");
  }

  /** @internal */
  async start(): Promise<this> {
    await this.#storage.open({ staleThreshold: this.staleThreshold, now: this.#now });
    try {
      await this.check();
    } catch (error) {
      await this.stop().catch(() => undefined);
      throw error;
    }
    enterSystem(this);
    return this;
  }

  get running(): boolean {
    return this.#stopped === undefined;
  }

  /** Registers a service (or renames it and merges its metadata when serviceId exists) and returns its id. */
  async registerService(options: RegisterServiceOptions | string): Promise<string> {
    const o = typeof options === "string" ? { serviceName: options } : options;
    const input = parse(registerServiceSchema, {
      service_name: o.serviceName,
      service_id: o.serviceId ?? randomUUID(),
      ...(o.metadata !== undefined ? { metadata: o.metadata } : {}),
      ...(o.staleThreshold !== undefined ? { stale_threshold: o.staleThreshold } : {}),
    });
    await this.#storage.registerService({ ...input, service_id: input.service_id! });
    this.#reschedule();
    return input.service_id!;
  }

  /** Records a heartbeat; a status change is told to the notifiers. */
  async sendHeartbeat(options: HeartbeatOptions): Promise<ServiceStatus> {
    if (!options?.serviceId) {
      throw new LaneSwapError({ status: null, code: "no_service", detail: "sendHeartbeat needs the serviceId registerService returned" });
    }
    const input = parse(heartbeatSchema, {
      ...(options.status !== undefined ? { status: options.status } : {}),
      ...(options.message != null ? { message: options.message } : {}),
      ...(options.metadata !== undefined ? { metadata: options.metadata } : {}),
    });
    const { service, flip } = await this.#storage.recordHeartbeat(options.serviceId, input);
    if (flip) this.#notify(flip);
    this.#reschedule();
    return service;
  }

  async getService(serviceId: string): Promise<ServiceStatus> {
    return this.#storage.getService(serviceId);
  }

  /** Every service, in the REST API's list shape. */
  async listServices(): Promise<ServiceList> {
    const services = await this.#storage.listServices();
    const counts = zeroStatusCounts();
    for (const s of services) counts[s.status] += 1;
    return {
      services: Object.fromEntries(services.map((s) => [s.id, s])),
      summary: { total: services.length, status_counts: counts },
      next_cursor: null,
    };
  }

  /** Runs a stale check now (checks never overlap); resolves to the number of services it marked stale. */
  check(): Promise<number> {
    const run = this.#checking.then(async () => {
      if (!this.running) return 0;
      const flips = await this.#storage.markStale();
      for (const flip of flips) this.#notify(flip);
      return flips.length;
    });
    this.#checking = run.catch(() => 0);
    return run.finally(() => this.#reschedule());
  }

  /** withHeartbeat reporting to this system. */
  withHeartbeat<This, A extends unknown[], R>(
    fn: (this: This, ...args: A) => R,
    options: Omit<WithHeartbeatOptions, "client"> & { serviceId: string },
  ): (this: This, ...args: A) => R {
    return wrapWithHeartbeat(fn, { ...options, client: this }, () => this);
  }

  /** Waits for notifications being sent and heartbeats of wrapped synchronous functions. */
  async flush(): Promise<void> {
    await this.#pending.settled();
  }

  /** Stops the checker, lets notifications in flight finish (no more retries), closes the storage. Idempotent. */
  stop(): Promise<void> {
    this.#stopped ??= (async () => {
      if (this.#timer) clearTimeout(this.#timer);
      this.#timer = undefined;
      leaveSystem(this);
      this.#stopping.abort();
      await this.#checking;
      await this.flush();
      await this.#storage.close();
    })();
    return this.#stopped;
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.stop();
  }

  /** @internal The HeartbeatTarget side: background failures. */
  reportError(error: unknown, context: ErrorContext): void {
    const failure =
      error instanceof LaneSwapError
        ? error
        : new LaneSwapError({ status: null, code: "internal_error", detail: error instanceof Error ? error.message : String(error), cause: error });
    try {
      if (this.#options.onError) this.#options.onError(failure, context);
      else console.warn(`[laneswap] ${context.operation} failed${context.serviceId ? ` for ${context.serviceId}` : ""}: ${failure.message}`);
    } catch {
      // never let a hook break the checker
    }
  }

  /** @internal */
  track(work: Promise<unknown>): void {
    this.#pending.track(work);
  }

  /** The next check: when the earliest deadline passes, and at least every checkInterval. */
  #reschedule(): void {
    if (!this.running) return;
    const work = this.#storage
      .nextDeadline()
      .then((deadline) => {
        if (!this.running) return;
        const until = deadline ? deadline.getTime() - this.#now().getTime() : Infinity;
        const wait = Math.max(MIN_WAIT_MS, Math.min(until, this.checkInterval * 1000));
        if (this.#timer) clearTimeout(this.#timer);
        this.#timer = setTimeout(() => {
          this.#timer = undefined;
          this.check().catch((error: unknown) => this.reportError(error, { operation: "stale-check" }));
        }, wait);
        if (!this.#options.keepAlive) this.#timer.unref();
      })
      .catch((error: unknown) => this.reportError(error, { operation: "stale-check" }));
    void work;
  }

  #notify(record: FlipRecord): void {
    const decision = decideFlipAlert({
      flip: record.flip,
      paused: record.service.paused,
      flapping: false,
      flipsInWindow: 0,
      policy: { notifyFirstHeartbeat: this.#options.notifyFirstHeartbeat ?? false, reminderIntervalMinutes: 0, flapThreshold: 0, flapWindowMinutes: 10 },
    });
    if (decision.action !== "notify") return;
    const service = snapshotOf(record.service);
    const notification: Notification = {
      kind: "flip",
      ...describeFlip(record.flip, service),
      service,
      at: record.at,
      ...(this.#options.monitorUrl ? { monitorUrl: generateMonitorUrl({ serviceId: service.id, apiUrl: this.#options.monitorUrl }) } : {}),
    };
    const timeoutMs = (this.#options.notifyTimeout ?? 10) * 1000;
    const report = (error: LaneSwapError) => this.reportError(error, { operation: "notify", serviceId: service.id });
    this.#notifiers.forEach((notifier, index) =>
      this.track(deliverNotification({ notifier, index, notification, timeoutMs, stopping: this.#stopping.signal, report })),
    );
  }

}

/**
 * Starts the in-process monitor: opens the storage and checks for stale services whenever a deadline passes.
 * While it runs, the top-level registerService, sendHeartbeat and withHeartbeat use it.
 *
 *     await using system = await heartbeatSystem({ notifiers: [myNotifier], staleThreshold: 60 });
 */
export async function heartbeatSystem(options: HeartbeatSystemOptions = {}): Promise<HeartbeatSystem> {
  return new HeartbeatSystem(options).start();
}
