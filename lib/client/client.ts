import { PendingWork } from "./pending-work.js";
import { randomUUID } from "node:crypto";
import { LaneSwapError } from "./errors.js";
import { normalizeApiUrl, requestJson, resolveRetry, type HttpSettings, type JsonRequest, type RetryOptions } from "./http.js";
import { apiUrlFromEnv, generateMonitorUrl } from "./monitor-url.js";
import { ensureServerRunning, type StartCommand } from "./start-server.js";
import type {
  ClientStatus,
  ErrorContext,
  EventPage,
  HeartbeatOptions,
  ListEventsOptions,
  ListServicesOptions,
  Metadata,
  RegisterServiceOptions,
  ServiceList,
  ServiceStatus,
} from "./types.js";
import { wrapWithHeartbeat, type WithHeartbeatOptions } from "./with-heartbeat.js";

export type LaneSwapClientOptions = {
  /** The server's URL, e.g. http://localhost:8000 (default: API_URL or LANESWAP_API_URL, else that). */
  apiUrl?: string;
  /** An API key with the write scope (default: LANESWAP_API_KEY). */
  apiKey?: string;
  /** connect() registers a service under this name (with serviceId when given, else a new id). */
  serviceName?: string;
  /** The service this client reports for. Without serviceName, connect() checks that it exists. */
  serviceId?: string;
  /** Metadata to register the service with. */
  metadata?: Metadata;
  /** The service's own stale threshold in seconds, sent at registration. */
  staleThreshold?: number;
  /** Send heartbeats in the background after connect() (default true when there is a service). */
  autoHeartbeat?: boolean;
  /** Seconds between automatic heartbeats (default 30; fractions allowed). */
  heartbeatInterval?: number;
  /** Seconds before one request is given up (default 5). */
  timeout?: number;
  /** Retries with exponential backoff and jitter for failures that may pass (default 2 retries, 0.25 s to 5 s). */
  retry?: RetryOptions | false;
  /** Called with every failure of background work (automatic heartbeats, withHeartbeat); never throws into it. */
  onError?: (error: LaneSwapError, context: ErrorContext) => void;
  /** The dashboard's URL for getMonitorUrl (default: MONITOR_URL, else apiUrl: they are one server). */
  monitorUrl?: string;
  /** What getMonitorUrl({ startIfNeeded: true }) runs (default: this package's `laneswap server --port <port>`). */
  startCommand?: StartCommand;
};

const DEFAULT_INTERVAL_S = 30;
const DEFAULT_TIMEOUT_S = 5;
const WARN_EVERY_MS = 60_000;

function toLaneSwapError(error: unknown): LaneSwapError {
  if (error instanceof LaneSwapError) return error;
  return new LaneSwapError({ status: null, code: "client_error", detail: error instanceof Error ? error.message : String(error), cause: error });
}

/**
 * A client for a LaneSwap server. Foreground calls reject with a LaneSwapError; background work (automatic
 * heartbeats, the final heartbeat of a wrapped synchronous function) reports to `onError` and never throws, and its
 * timers never keep the process alive.
 */
export class LaneSwapClient implements AsyncDisposable {
  readonly apiUrl: string;
  readonly heartbeatInterval: number;
  readonly autoHeartbeat: boolean;
  readonly #http: HttpSettings;
  readonly #options: LaneSwapClientOptions;
  #serviceId: string | undefined;
  #connecting: Promise<string | undefined> | undefined;
  #connected = false;
  #closed = false;
  #timer: ReturnType<typeof setInterval> | undefined;
  #background = new AbortController();
  #beatInFlight = false;
  #pending = new PendingWork();
  #current: { status: ClientStatus; message: string | null } = { status: "healthy", message: null };
  #lastWarning = 0;

  constructor(options: LaneSwapClientOptions = {}) {
    this.#options = options;
    this.apiUrl = normalizeApiUrl(options.apiUrl ?? apiUrlFromEnv());
    const timeout = options.timeout ?? DEFAULT_TIMEOUT_S;
    if (!(timeout > 0)) throw new TypeError("LaneSwapClient: timeout must be a positive number of seconds");
    this.heartbeatInterval = options.heartbeatInterval ?? DEFAULT_INTERVAL_S;
    if (!(this.heartbeatInterval > 0)) throw new TypeError("LaneSwapClient: heartbeatInterval must be a positive number of seconds");
    this.#http = {
      apiUrl: this.apiUrl,
      apiKey: options.apiKey ?? (process.env.LANESWAP_API_KEY || undefined),
      timeoutMs: timeout * 1000,
      retry: resolveRetry(options.retry),
    };
    this.#serviceId = options.serviceId;
    this.autoHeartbeat = options.autoHeartbeat ?? true;
  }

  /** The service this client reports for (set by connect() or the first registerService()). */
  get serviceId(): string | undefined {
    return this.#serviceId;
  }

  get connected(): boolean {
    return this.#connected;
  }

  /**
   * Registers the service (serviceName) or checks it exists (serviceId alone), or checks the server answers, then
   * starts the automatic heartbeats. Calling it again returns the same result. Resolves to the service id.
   */
  connect(): Promise<string | undefined> {
    this.#connecting ??= this.#connect().catch((error: unknown) => {
      this.#connecting = undefined;
      throw error;
    });
    return this.#connecting;
  }

  async #connect(): Promise<string | undefined> {
    this.#closed = false;
    if (this.#background.signal.aborted) this.#background = new AbortController();
    const { serviceName, metadata, staleThreshold } = this.#options;
    if (serviceName) {
      // Our own id when none was given: a retried registration then cannot create the service twice.
      await this.registerService({ serviceName, serviceId: this.#serviceId ?? randomUUID(), metadata, staleThreshold });
    } else if (this.#serviceId) {
      await this.getService(this.#serviceId);
    } else {
      await this.#request({ method: "GET", path: "/api" });
    }
    if (this.#closed) return this.#serviceId;
    this.#connected = true;
    if (this.autoHeartbeat && this.#serviceId) this.#startAutoHeartbeat();
    return this.#serviceId;
  }

  /** Stops the automatic heartbeats, cancels background requests and waits for pending background work. */
  async close(): Promise<void> {
    this.#closed = true;
    this.#connected = false;
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = undefined;
    this.#background.abort();
    await this.#connecting?.catch(() => undefined);
    this.#connecting = undefined;
    await this.flush();
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }

  /** Waits until background heartbeats (automatic ones, those of wrapped synchronous functions) are settled. */
  async flush(): Promise<void> {
    await this.#pending.settled();
  }

  /** Registers a service and returns its id; the client adopts it when it has none yet. */
  async registerService(options: RegisterServiceOptions | string): Promise<string> {
    const o = typeof options === "string" ? { serviceName: options } : options;
    const body = {
      service_name: o.serviceName,
      ...(o.serviceId !== undefined ? { service_id: o.serviceId } : {}),
      ...(o.metadata !== undefined ? { metadata: o.metadata } : {}),
      ...(o.staleThreshold !== undefined ? { stale_threshold: o.staleThreshold } : {}),
    };
    const { service_id } = await this.#request<{ service_id: string }>({ method: "POST", path: "/api/services", body });
    this.#serviceId ??= service_id;
    return service_id;
  }

  /** Sends one heartbeat (default: `healthy`, for the client's service) and returns the service as it is now. */
  async sendHeartbeat(options: HeartbeatOptions = {}): Promise<ServiceStatus> {
    return this.#sendHeartbeat(options, false);
  }

  async #sendHeartbeat(options: HeartbeatOptions, background: boolean): Promise<ServiceStatus> {
    const serviceId = this.#requireService(options.serviceId);
    const status = options.status ?? "healthy";
    // Automatic heartbeats repeat what this client last reported for its own service.
    if (serviceId === this.#serviceId && !background) this.#current = { status, message: options.message ?? null };
    const body = {
      status,
      ...(options.message != null ? { message: options.message } : {}),
      ...(options.metadata !== undefined ? { metadata: options.metadata } : {}),
    };
    // Nobody reads a background heartbeat's answer: the server may leave the service's 100 events out of it.
    const headers = background ? { prefer: "return=minimal" } : undefined;
    return this.#request<ServiceStatus>(
      { method: "POST", path: `/api/services/${encodeURIComponent(serviceId)}/heartbeat`, body, headers },
      background,
    );
  }

  /** One service with its newest events (default: the client's service). */
  async getService(serviceId?: string): Promise<ServiceStatus> {
    const id = this.#requireService(serviceId);
    return this.#request({ method: "GET", path: `/api/services/${encodeURIComponent(id)}` });
  }

  /** Services (keyed by id) with the fleet's summary; filter by status or text, page with limit and cursor. */
  listServices(options: ListServicesOptions = {}): Promise<ServiceList> {
    return this.#request({ method: "GET", path: "/api/services", query: { ...options } });
  }

  /** A service's heartbeats and status changes, newest first; pass next_cursor as `before` for the next page. */
  async listEvents(serviceId?: string, options: ListEventsOptions = {}): Promise<EventPage> {
    const id = this.#requireService(serviceId);
    return this.#request({ method: "GET", path: `/api/services/${encodeURIComponent(id)}/events`, query: { ...options } });
  }

  /**
   * The dashboard link for a service (default: the client's). With `startIfNeeded`, a server that does not answer
   * and is on this machine is started first (`laneswap server`, detached), and this resolves once it answers.
   */
  async getMonitorUrl(options: { serviceId?: string; startIfNeeded?: boolean; startTimeout?: number } = {}): Promise<string> {
    if (options.startIfNeeded) {
      await ensureServerRunning({
        apiUrl: this.apiUrl,
        command: this.#options.startCommand,
        waitMs: options.startTimeout === undefined ? undefined : options.startTimeout * 1000,
      });
    }
    return generateMonitorUrl({
      serviceId: options.serviceId ?? this.#serviceId,
      apiUrl: this.#options.monitorUrl || process.env.MONITOR_URL || process.env.LANESWAP_MONITOR_URL || this.apiUrl,
    });
  }

  /** withHeartbeat reporting through this client. */
  withHeartbeat<This, A extends unknown[], R>(
    fn: (this: This, ...args: A) => R,
    options: Omit<WithHeartbeatOptions, "client"> = {},
  ): (this: This, ...args: A) => R {
    return wrapWithHeartbeat(fn, { ...options, client: this }, () => this);
  }

  /** Hands a failure of background work to onError (or a throttled console warning without one). */
  reportError(error: unknown, context: ErrorContext): void {
    const failure = toLaneSwapError(error);
    // Whatever an automatic heartbeat was doing when close() cancelled it is not worth a report.
    if (this.#closed && (failure.code === "aborted" || context.operation === "auto-heartbeat")) return;
    try {
      if (this.#options.onError) return this.#options.onError(failure, context);
      if (Date.now() - this.#lastWarning < WARN_EVERY_MS) return;
      this.#lastWarning = Date.now();
      console.warn(`[laneswap] ${context.operation} failed${context.serviceId ? ` for ${context.serviceId}` : ""}: ${failure.message}`);
    } catch {
      // An onError hook that throws must not reach the background work that called it.
    }
  }

  /** Keeps background work so flush() and close() can wait for it. */
  track(work: Promise<unknown>): void {
    this.#pending.track(work);
  }

  #requireService(serviceId: string | undefined): string {
    const id = serviceId ?? this.#serviceId;
    if (!id) {
      throw new LaneSwapError({
        status: null,
        code: "no_service",
        detail: "No service id: pass serviceId, or register first (registerService, or connect() with serviceName)",
      });
    }
    return id;
  }

  #request<T>(request: JsonRequest, background = false): Promise<T> {
    return requestJson<T>(this.#http, background ? { ...request, signal: this.#background.signal, unrefTimers: true } : request);
  }

  #startAutoHeartbeat(): void {
    if (this.#timer) return;
    this.#tick();
    this.#timer = setInterval(() => this.#tick(), this.heartbeatInterval * 1000);
    this.#timer.unref();
  }

  /** One automatic heartbeat, unless the previous one is still trying. */
  #tick(): void {
    if (this.#beatInFlight || this.#closed || !this.#serviceId) return;
    this.#beatInFlight = true;
    const serviceId = this.#serviceId;
    const work = this.#sendHeartbeat({ serviceId, ...this.#current }, true)
      .catch((error: unknown) => this.reportError(error, { operation: "auto-heartbeat", serviceId }))
      .finally(() => {
        this.#beatInFlight = false;
      });
    this.track(work);
  }
}
