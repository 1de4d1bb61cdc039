import { parseConfig } from "../../lib/config";
import type { Notification } from "../../lib/core/notification";
import { createDb, type Db } from "../../lib/db/client";
import { applyMigrations } from "../../lib/db/migrate";
import type { ChannelRow, NotifierFor } from "../../lib/monitor/deliver";
import type { Notifier, SendResult } from "../../lib/notify/notifier";
import type { ClientStatus } from "../../lib/core/status";
import type { Ctx } from "../../lib/services/context";
import { recordHeartbeat } from "../../lib/services/record-heartbeat";
import { createDatabase, type Provider, type TestDatabase } from "./harness";

// The monitor's functions driven in-process against a real database (a fresh SQLite file or PostgreSQL database)
// with a clock the test moves by hand: no server, no worker loop, no sleeping.

/** A heartbeat through the server's own service, at the context's clock. */
export function beat(ctx: Ctx, id: string, status: ClientStatus = "healthy", message?: string) {
  return recordHeartbeat(ctx, { id, input: { status, ...(message !== undefined ? { message } : {}) } });
}

/** Where every fake clock starts: a fixed, whole-second instant, so deadlines are easy to reason about. */
export const T0 = new Date("2030-01-01T00:00:00.000Z");

export type Clock = {
  /** Moves the clock to this instant. */
  set(d: Date | number | string): void;
  /** Moves the clock forward (or back, for a negative value) by ms. */
  advance(ms: number): Date;
  /** The current instant (a fresh Date every call). */
  now(): Date;
};

export function fakeClock(start: Date = T0): Clock {
  let current = start.getTime();
  return {
    set: (d) => {
      current = new Date(d).getTime();
    },
    advance: (ms) => {
      current += ms;
      return new Date(current);
    },
    now: () => new Date(current),
  };
}

export type MonitorContext = {
  ctx: Ctx;
  clock: Clock;
  database: TestDatabase;
  /** The environment the configuration was parsed from. */
  env: Record<string, string>;
  /**
   * Another client, with its own connection(s), on the same database and sharing the clock, as a second worker
   * process would be. `env` is laid over the first context's environment for its configuration.
   */
  connect(env?: Record<string, string>): Promise<Ctx>;
  /** Disconnects every client made here and drops the database. */
  drop(): Promise<void>;
};

export async function monitorCtx(provider: Provider, env: Record<string, string> = {}): Promise<MonitorContext> {
  const database = await createDatabase(provider);
  try {
    await applyMigrations({ provider, databaseUrl: database.url });
  } catch (error) {
    await database.drop().catch(() => {});
    throw error;
  }
  const clock = fakeClock();
  const clients: Db[] = [];
  const baseEnv = { DATABASE_URL: database.url, DATA_DIR: database.dataDir, ...env };
  const connect = async (extra: Record<string, string> = {}): Promise<Ctx> => {
    const config = parseConfig({ ...baseEnv, ...extra });
    const db = await createDb(config);
    clients.push(db);
    return { db, config, now: () => clock.now() };
  };
  const ctx = await connect();
  return {
    ctx,
    clock,
    database,
    env: baseEnv,
    connect,
    drop: async () => {
      await Promise.all(clients.map((db) => db.$disconnect().catch(() => {})));
      await database.drop();
    },
  };
}

/**
 * How a fake endpoint answers one send: "ok"; "retry" (a retryable failure, like a 500 or a timeout);
 * `{retryAfterMs}` (a 429 saying how long to wait); "gone" (404/401: the endpoint no longer exists); "fail" (a
 * permanent failure, like a 400); or any SendResult as it is.
 */
export type FakeAnswer = "ok" | "retry" | "gone" | "fail" | { retryAfterMs: number } | SendResult;

/**
 * The answers, in call order (once they run out every send succeeds), or a function of the notification and the
 * 0-based index of the call.
 */
export type FakeScript = FakeAnswer[] | ((notification: Notification, call: number) => FakeAnswer);

export type FakeCall = { notification: Notification; result: SendResult };

export type FakeNotifier = Notifier & {
  /** Every answered send, in the order the answers were given. */
  readonly calls: FakeCall[];
  /** The notifications that were answered ok. */
  delivered(): Notification[];
  /** Replaces the script; the call counter goes on. */
  script(next: FakeScript | undefined): void;
};

export function toSendResult(answer: FakeAnswer): SendResult {
  if (answer === "ok") return { ok: true };
  if (answer === "retry") return { ok: false, retryable: true, gone: false, error: "HTTP 500: fake server error" };
  if (answer === "gone") return { ok: false, retryable: false, gone: true, error: "HTTP 404: Unknown Webhook" };
  if (answer === "fail") return { ok: false, retryable: false, gone: false, error: "HTTP 400: fake bad request" };
  if ("ok" in answer) return answer;
  return { ok: false, retryable: true, gone: false, error: "HTTP 429: rate limited", retryAfterMs: answer.retryAfterMs };
}

/** A Notifier that records what it was asked to send and answers as the script says. */
export function fakeNotifier(initial?: FakeScript): FakeNotifier {
  let script = initial;
  let counter = 0;
  const calls: FakeCall[] = [];
  return {
    calls,
    delivered: () => calls.filter((c) => c.result.ok).map((c) => c.notification),
    script: (next) => {
      script = next;
    },
    async send(notification, { signal }) {
      const index = counter++;
      // A real endpoint answers later, not in the same tick: let racing workers interleave.
      await new Promise<void>((resolve) => setImmediate(resolve));
      signal.throwIfAborted();
      const answer: FakeAnswer =
        script === undefined ? "ok" : typeof script === "function" ? script(notification, index) : (script[index] ?? "ok");
      const result = toSendResult(answer);
      calls.push({ notification, result });
      return result;
    },
  };
}

/** A NotifierFor that gives each channel its own fake (made on first use, or the one given for it). */
export type FakeNotifierFor = NotifierFor & {
  /** The fake of this channel (made now if it was not used yet). */
  of(channelId: string): FakeNotifier;
  /** The channel rows it was asked for, in order. */
  seen: ChannelRow[];
};

export function fakeNotifierFor(given: Record<string, FakeNotifier> = {}): FakeNotifierFor {
  const notifiers = new Map<string, FakeNotifier>(Object.entries(given));
  const seen: ChannelRow[] = [];
  const of = (channelId: string): FakeNotifier => {
    let n = notifiers.get(channelId);
    if (!n) {
      n = fakeNotifier();
      notifiers.set(channelId, n);
    }
    return n;
  };
  const notifierFor = (channel: ChannelRow): Notifier => {
    seen.push(channel);
    return of(channel.id);
  };
  return Object.assign(notifierFor, { of, seen });
}

// ---------------------------------------------------------------------------------------------------------------
// A second monitor in its own process.
//
// On SQLite two clients in ONE process cannot race: better-sqlite3 waits for a lock synchronously (busy_timeout),
// which blocks the event loop that the lock holder needs to finish its transaction, so both stall until a timeout.
// Deployed workers are separate processes, each with one connection; so is this one. It connects, imports the lib,
// says "ready", waits for "go" on stdin (so both sides start together), runs one operation with its clock fixed at
// the parent's current time, and prints the result as one JSON line.

export type RemoteCall = { channelId: string; key: string };
export type RemoteResult = { result: unknown; calls: RemoteCall[] };
export type RemoteMonitor = {
  /** Tells it to run, and resolves once it has begun (so the caller's own work overlaps with it). */
  start(): Promise<void>;
  /** Its result, once it finished. */
  result(): Promise<RemoteResult>;
  /** start() then result(). */
  go(): Promise<RemoteResult>;
  kill(): void;
};

/** Identifies a notification on a channel: the channel, the service, what it says and when it happened. */
export function notificationKey(channelId: string, n: Pick<Notification, "kind" | "title" | "message" | "at" | "service">): string {
  return [channelId, n.service.id, n.kind, n.at, n.title, n.message].join("|");
}

const REMOTE_MAIN = String.raw`
import { pathToFileURL } from "node:url";
import path from "node:path";
const lib = (p) => import(pathToFileURL(path.join(process.cwd(), "lib", p)).href);
const { parseConfig } = await lib("config.ts");
const { createDb } = await lib("db/client.ts");
const { sweepStale } = await lib("monitor/sweep-stale.ts");
const { deliverDue } = await lib("monitor/deliver.ts");
const spec = JSON.parse(process.env.LANESWAP_REMOTE_SPEC);
const config = parseConfig(spec.env);
const db = await createDb(config);
const ctx = { db, config, now: () => new Date(spec.now) };
const calls = [];
const notifierFor = (channel) => ({
  async send(n) {
    await new Promise((r) => setImmediate(r));
    calls.push({ channelId: channel.id, key: [channel.id, n.service.id, n.kind, n.at, n.title, n.message].join("|") });
    return { ok: true };
  },
});
// Warm up: the first run of each query shape in a fresh process is slow (connection, query planning), which would
// let the other side finish before this one begins. Same shapes as the lib's, matching nothing.
const epoch = new Date(0);
const idle = { db, config, now: () => epoch };
if (spec.op === "sweep") {
  await sweepStale(idle);
  await db.$transaction(async (tx) => {
    await tx.service.updateMany({ where: { id: "-", status: "-", deadline: { lte: epoch }, paused: false }, data: { status: "stale", deadline: null, updatedAt: epoch } });
    await tx.service.findUnique({ where: { id: "-" } });
  });
} else {
  await deliverDue(idle, { workerId: "warm-up", notifierFor });
  await db.delivery.findFirst({ where: { channelId: "-", serviceId: "-", status: "pending" }, orderBy: { id: "asc" }, select: { id: true } });
  await db.delivery.updateMany({ where: { id: "-", status: "pending", OR: [{ lockedUntil: null }, { lockedUntil: { lt: epoch } }] }, data: { lockedBy: "-", lockedUntil: epoch } });
  await db.delivery.updateMany({ where: { id: "-", lockedBy: "-" }, data: { lockedBy: null, lockedUntil: null, attempts: 1, status: "sent", sentAt: epoch, lastError: null } });
}
process.stdout.write("ready\n");
await new Promise((resolve) => process.stdin.once("data", resolve));
process.stdout.write("started\n");
let out;
try {
  const result = spec.op === "sweep" ? await sweepStale(ctx) : await deliverDue(ctx, { workerId: spec.workerId, notifierFor });
  out = { result, calls };
} catch (error) {
  out = { error: String(error && error.stack || error) };
}
process.stdout.write("result " + JSON.stringify(out) + "\n");
await db.$disconnect();
process.exit(0);
`;

/**
 * Starts a monitor process on m's database and resolves once it is ready; `go()` runs `sweepStale` or
 * `deliverDue` (answering every send ok, recording it) there and returns its result.
 */
export async function startRemoteMonitor(
  m: MonitorContext,
  op: "sweep" | "deliver",
  options: { workerId?: string; env?: Record<string, string> } = {},
): Promise<RemoteMonitor> {
  const { spawn } = await import("node:child_process");
  const spec = {
    op,
    workerId: options.workerId ?? "remote-worker",
    now: m.clock.now().getTime(),
    env: { ...m.env, ...options.env },
  };
  const child = spawn(process.execPath, ["--import", "tsx", "--input-type=module", "-e", REMOTE_MAIN], {
    cwd: process.cwd(),
    env: { ...process.env, LANESWAP_REMOTE_SPEC: JSON.stringify(spec) },
    stdio: ["pipe", "pipe", "pipe"],
  });
  let out = "";
  let err = "";
  const waiters: { test: (s: string) => string | null; resolve: (line: string) => void; reject: (e: Error) => void }[] = [];
  const check = () => {
    for (const w of [...waiters]) {
      const found = w.test(out);
      if (found !== null) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(found);
      }
    }
  };
  child.stdout!.on("data", (d) => {
    out += d;
    check();
  });
  child.stderr!.on("data", (d) => (err += d));
  child.on("exit", (code) => {
    for (const w of waiters.splice(0)) w.reject(new Error(`remote monitor exited (${code}) early:\n${out}\n${err}`));
  });
  const waitFor = (test: (s: string) => string | null, timeoutMs: number) =>
    new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`remote monitor timed out:\n${out}\n${err}`)), timeoutMs);
      waiters.push({
        test,
        resolve: (v) => {
          clearTimeout(timer);
          resolve(v);
        },
        reject: (e) => {
          clearTimeout(timer);
          reject(e);
        },
      });
      check();
    });
  await waitFor((s) => (s.includes("ready\n") ? "ready" : null), 30_000);
  let line: Promise<string> | undefined;
  const start = async () => {
    line ??= waitFor((s) => s.match(/^result (.*)$/m)?.[1] ?? null, 60_000);
    line.catch(() => {});
    const started = waitFor((s) => (s.includes("started\n") ? "started" : null), 30_000);
    child.stdin!.write("go\n");
    await started;
  };
  const result = async () => {
    if (!line) throw new Error("result() before start()");
    const parsed = JSON.parse(await line) as RemoteResult & { error?: string };
    if (parsed.error) throw new Error(`remote ${op} failed: ${parsed.error}`);
    return parsed;
  };
  return {
    start,
    result,
    go: async () => {
      await start();
      return result();
    },
    kill: () => {
      if (child.exitCode === null) child.kill("SIGKILL");
    },
  };
}
