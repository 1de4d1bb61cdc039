// Stale-detection and notification benchmark:
//   npx tsx scripts/bench/detection.ts [--sqlite-services 1000] [--pg-services 10000] [--json]
//
// For each database in turn (a fresh SQLite file, then a fresh PostgreSQL database created on 127.0.0.1:5432 and
// dropped afterwards):
//   1. migrate it, create one Discord channel (createChannel) pointing at a local fake Discord on 127.0.0.1 that
//      answers 204 and records when each service's message arrived;
//   2. start the REAL worker as its own process (`node --import tsx scripts/worker.ts`, HEARTBEAT_CHECK_INTERVAL=30,
//      FLAP_THRESHOLD=0) and, once it runs, bulk-insert N healthy services (createMany) whose deadlines
//      (last_heartbeat + stale_threshold) are staggered evenly over --span seconds starting --lead seconds from now;
//   3. wait (bounded: last deadline + --grace seconds) until every service flipped to stale and every webhook
//      arrived, then stop the worker with SIGTERM;
//   4. measure in-process, with the lib functions, against the populated database: sweepStale when nothing is due
//      (--sweeps times), and sweeps that each mark --batch services due at once (--batch-reps times).
// Reports detection lateness (flip event `at` - deadline), when the flip row was actually written (a trigger the
// benchmark adds to its own database records clock time per inserted flip), flip-to-webhook latency (arrival at
// the receiver - flip `at`), sweep times, and PASS/FAIL against the issue's targets. Exit code 1 when one fails.
// Every process and database is removed at the end, also on failure, Ctrl-C and when the watchdog fires.

import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { abort, adminQuery, cleanup, createBenchDatabase, guardRun, log, onCleanup, positiveInt, sleep, type BenchDb } from "./common";
import { parseConfig, type Config } from "../../lib/config";
import { createDb, type Db } from "../../lib/db/client";
import { applyMigrations } from "../../lib/db/migrate";
import { deliverDue } from "../../lib/monitor/deliver";
import { sweepStale } from "../../lib/monitor/sweep-stale";
import { createNotifier } from "../../lib/notify/create-notifier";
import type { ChannelConfig } from "../../lib/core/channel-config";
import { createChannel } from "../../lib/services/channels/create-channel";
import type { Ctx } from "../../lib/services/context";

// ---------------------------------------------------------------------------------------------------------------
// Options

const { values: opts } = parseArgs({
  options: {
    "sqlite-services": { type: "string", default: "1000" },
    "pg-services": { type: "string", default: "10000" },
    only: { type: "string", default: "sqlite,postgresql" },
    span: { type: "string", default: "20" },
    lead: { type: "string", default: "4" },
    grace: { type: "string", default: "30" },
    threshold: { type: "string", default: "60" },
    sweeps: { type: "string", default: "50" },
    batch: { type: "string", default: "100" },
    "batch-reps": { type: "string", default: "5" },
    "pg-url": { type: "string", default: process.env.LANESWAP_TEST_PG_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres" },
    json: { type: "boolean", default: false },
    help: { type: "boolean", default: false },
  },
});

if (opts.help) {
  process.stdout.write(`Usage: npx tsx scripts/bench/detection.ts [options]
  --sqlite-services N  services on the SQLite run (default 1000)
  --pg-services N      services on the PostgreSQL run (default 10000)
  --only LIST          sqlite,postgresql (default both, in that order)
  --span S             seconds over which the deadlines are spread (default 20)
  --lead S             seconds from the insert to the first deadline (default 4)
  --grace S            seconds to wait after the last deadline for flips and webhooks (default 30)
  --threshold S        stale_threshold of every service (default 60)
  --sweeps N           idle sweepStale calls timed after the run (default 50)
  --batch N            services made due at once for the batch-sweep measurement (default 100)
  --batch-reps N       how many batch sweeps are timed (default 5)
  --pg-url URL         PostgreSQL admin URL used to create/drop the benchmark database
  --json               print machine-readable JSON on stdout (progress goes to stderr either way)
`);
  process.exit(0);
}

const SERVICES = {
  sqlite: positiveInt("sqlite-services", opts["sqlite-services"]!, 200_000),
  postgresql: positiveInt("pg-services", opts["pg-services"]!, 200_000),
};
const SPAN_MS = positiveInt("span", opts.span!, 600) * 1000;
const LEAD_MS = positiveInt("lead", opts.lead!, 120) * 1000;
const GRACE_MS = positiveInt("grace", opts.grace!, 600) * 1000;
const THRESHOLD_S = positiveInt("threshold", opts.threshold!, 86_400);
const SWEEPS = positiveInt("sweeps", opts.sweeps!, 10_000);
const BATCH = positiveInt("batch", opts.batch!, 10_000);
const BATCH_REPS = positiveInt("batch-reps", opts["batch-reps"]!, 100);
const PG_ADMIN_URL = opts["pg-url"]!;
const DIAG_REPS = 50;
const JSON_OUT = opts.json!;

type Provider = "sqlite" | "postgresql";
const TARGETS = opts.only!.split(",").map((s) => s.trim()).filter(Boolean) as Provider[];
for (const t of TARGETS) {
  if (t !== "sqlite" && t !== "postgresql") {
    console.error(`--only: unknown target '${t}' (use sqlite, postgresql)`);
    process.exit(2);
  }
}

// The issue's targets.
const TARGET = { latenessP99Ms: 1000, sweepMs: 50, flipToWebhookP99Ms: 2000 };

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");

// ---------------------------------------------------------------------------------------------------------------
// Clean-up: every process, connection and database registers how to remove itself.

const budgetMs = TARGETS.reduce((ms, t) => ms + LEAD_MS + SPAN_MS + GRACE_MS + 180_000 + SERVICES[t] * 5, 60_000);
const watchdog = guardRun(budgetMs);

// ---------------------------------------------------------------------------------------------------------------
// Statistics

type Dist = { n: number; min: number; p50: number; p99: number; max: number; mean: number };

function dist(values: number[]): Dist | null {
  if (values.length === 0) return null;
  const s = [...values].sort((a, b) => a - b);
  const rank = (p: number) => s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))];
  const r = (x: number) => Math.round(x * 100) / 100;
  return { n: s.length, min: r(s[0]), p50: r(rank(50)), p99: r(rank(99)), max: r(s[s.length - 1]), mean: r(s.reduce((a, b) => a + b, 0) / s.length) };
}

// ---------------------------------------------------------------------------------------------------------------
// Databases

const createDatabase = (provider: Provider) =>
  createBenchDatabase(provider, { adminUrl: PG_ADMIN_URL, prefix: "laneswap_bench_detect" });

// A trigger on the benchmark's own database records the wall-clock time at which each flip event row is inserted
// (inside the worker's transaction, a few queries before its commit). The flip's `at` is the sweep's `now`, read
// before the due services were fetched; this shows how much later the flip was really written.
const FLIP_WRITTEN_DDL: Record<Provider, string[]> = {
  sqlite: [
    `CREATE TABLE bench_flip_written (event_id TEXT PRIMARY KEY NOT NULL, written_ms INTEGER NOT NULL)`,
    `CREATE TRIGGER bench_flip_written_t AFTER INSERT ON events WHEN NEW.type = 'flip' BEGIN
       INSERT INTO bench_flip_written VALUES (NEW.id, CAST((julianday('now') - 2440587.5) * 86400000.0 AS INTEGER));
     END`,
  ],
  postgresql: [
    `CREATE TABLE bench_flip_written (event_id TEXT PRIMARY KEY, written_ms BIGINT NOT NULL)`,
    `CREATE FUNCTION bench_flip_written_f() RETURNS trigger LANGUAGE plpgsql AS $$
     BEGIN
       INSERT INTO bench_flip_written VALUES (NEW.id, (extract(epoch FROM clock_timestamp()) * 1000)::bigint);
       RETURN NEW;
     END $$`,
    `CREATE TRIGGER bench_flip_written_t AFTER INSERT ON events FOR EACH ROW WHEN (NEW.type = 'flip')
       EXECUTE FUNCTION bench_flip_written_f()`,
  ],
};
const FLIP_WRITTEN_DROP: Record<Provider, string[]> = {
  sqlite: [`DROP TRIGGER IF EXISTS bench_flip_written_t`],
  postgresql: [`DROP TRIGGER IF EXISTS bench_flip_written_t ON events`],
};

// ---------------------------------------------------------------------------------------------------------------
// The worker process

// Settings LaneSwap reads from the environment: none may leak in from the caller's shell.
const LANESWAP_ENV = [
  "DATABASE_URL", "DISCORD_WEBHOOK_URL", "DISCORD_WEBHOOK_USERNAME", "HEARTBEAT_CHECK_INTERVAL", "HEARTBEAT_STALE_THRESHOLD",
  "HOST", "PORT", "DEBUG", "CORS_ORIGINS", "API_URL", "MONITOR_URL", "NEXTAUTH_SECRET", "NEXTAUTH_URL", "DATA_DIR",
  "HISTORY_HEARTBEATS", "FLIP_RETENTION_DAYS", "RATE_LIMIT_PER_KEY", "AUTH_FAILURES_PER_MINUTE", "MONGODB_URL", "NODE_OPTIONS",
  "NOTIFY_FIRST_HEARTBEAT", "REMINDER_INTERVAL_MINUTES", "FLAP_THRESHOLD", "FLAP_WINDOW_MINUTES", "DELIVERY_TIMEOUT_SECONDS",
  "DELIVERY_GIVE_UP_HOURS", "WORKER_STALE_AFTER_SECONDS",
];

function benchEnv(db: BenchDb): Record<string, string> {
  return { DATABASE_URL: db.url, DATA_DIR: db.dataDir, HEARTBEAT_CHECK_INTERVAL: "30", FLAP_THRESHOLD: "0" };
}

function childEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: Record<string, string | undefined> = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (LANESWAP_ENV.includes(k) || k.startsWith("LANESWAP_")) continue;
    env[k] = v;
  }
  return { ...env, ...extra } as NodeJS.ProcessEnv;
}

type WorkerProc = { pid: number; output: () => string; started: Promise<void>; stop(): Promise<{ code: number | null; signal: string | null; ms: number }> };

function startWorker(db: BenchDb): WorkerProc {
  // Its own process group, so Ctrl-C here does not reach it before our clean-up does.
  const child: ChildProcess = spawn(process.execPath, ["--import", "tsx", "scripts/worker.ts"], {
    cwd: ROOT,
    env: childEnv(benchEnv(db)),
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
  });
  let out = "";
  let onOut = () => {};
  const keep = (d: Buffer) => {
    out += d;
    if (out.length > 200_000) out = out.slice(-100_000);
    onOut();
  };
  child.stdout!.on("data", keep);
  child.stderr!.on("data", keep);
  let exitInfo: { code: number | null; signal: string | null } | null = null;
  const exited = new Promise<{ code: number | null; signal: string | null }>((resolve) =>
    child.once("exit", (code, signal) => resolve((exitInfo = { code, signal }))),
  );
  const started = new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`worker did not start within 60 s:\n${out}`)), 60_000);
    onOut = () => {
      if (/watching/.test(out)) {
        clearTimeout(timer);
        resolve();
      }
    };
    void exited.then(() => {
      clearTimeout(timer);
      reject(new Error(`worker exited during start-up:\n${out}`));
    });
  });
  started.catch(() => {});
  const signal = (sig: NodeJS.Signals) => {
    try {
      process.kill(-child.pid!, sig);
    } catch {
      // already gone
    }
  };
  let stopping: Promise<{ code: number | null; signal: string | null; ms: number }> | null = null;
  const stop = () =>
    (stopping ??= (async () => {
      const t0 = Date.now();
      if (exitInfo) return { ...exitInfo, ms: 0 };
      // SIGTERM to the worker itself (it finishes its pass and exits), then to the group if it lingers.
      child.kill("SIGTERM");
      const done = await Promise.race([exited, sleep(15_000).then(() => null)]);
      if (done) return { ...done, ms: Date.now() - t0 };
      log("worker did not stop within 15 s of SIGTERM; killing it");
      signal("SIGKILL");
      return { ...(await exited), ms: Date.now() - t0 };
    })());
  onCleanup(async () => void (await stop()));
  return { pid: child.pid!, output: () => out, started, stop };
}

/** CPU time (user + system) a process has used so far, from /proc; null where there is no /proc. */
function procCpuMs(pid: number): number | null {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    // utime and stime are fields 14 and 15 of the whole line, in clock ticks (100 per second on Linux).
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return null;
  }
}

// ---------------------------------------------------------------------------------------------------------------
// The receiver: tests/helpers/fake-discord.ts (validates payloads like Discord, answers 204, records arrival times).

type Arrival = { at: number; name: string | null };
type Receiver = { url: string; arrivals(): Arrival[]; rejected(): number; close(): Promise<void> };

async function startReceiver(): Promise<Receiver> {
  const { startFakeDiscord } = await import("../../tests/helpers/fake-discord");
  const fake = await startFakeDiscord();
  let closed = false;
  const close = async () => {
    if (closed) return;
    closed = true;
    await fake.close();
  };
  onCleanup(close);
  return {
    url: fake.url,
    arrivals: () => fake.received.map((r) => ({ at: r.at, name: serviceNameOf(r.body) })),
    rejected: () => fake.requests.length - fake.received.length,
    close,
  };
}

type Embed = { title?: string; fields?: { name?: string; value?: string }[] };

function serviceNameOf(body: unknown): string | null {
  const embed = (body as { embeds?: Embed[] } | undefined)?.embeds?.[0];
  const field = embed?.fields?.find((f) => f.name === "Service Name")?.value;
  if (field) return field;
  const m = /(bench-svc-\d+)/.exec(embed?.title ?? "");
  return m ? m[1] : null;
}

// ---------------------------------------------------------------------------------------------------------------
// One run

type RunReport = {
  provider: Provider;
  services: number;
  setup: { migrateMs: number; insertMs: number; activateMs: number; firstDeadlineInMs: number; spanMs: number; thresholdSeconds: number };
  completion: { flipped: number; duplicateFlips: number; webhooks: number; duplicateWebhooks: number; rejectedWebhooks: number; complete: boolean; waitedMs: number };
  latenessMs: Dist | null;
  writtenLatenessMs: Dist | null;
  flipToWebhookMs: Dist | null;
  deadlineToWebhookMs: Dist | null;
  sweepIdleMs: Dist | null;
  sweepBatch: { size: number; reps: number; ms: Dist | null; perServiceMs: number | null; cpuPerServiceMs: number | null; marked: number[] };
  deliverPass: { passes: number; ms: Dist | null; perDeliveryMs: number | null; sent: number };
  load: { at1mMean: number; at1mMax: number };
  diagnosticsMs: Record<string, Dist | null>;
  worker: { cpuMs: number | null; cpuMsPerService: number | null; errors: number; stop: { code: number | null; signal: string | null; ms: number } | null; outputTail?: string };
  pass: { lateness: boolean; sweep: boolean; flipToWebhook: boolean; complete: boolean };
};

async function run(provider: Provider, n: number): Promise<RunReport> {
  log(`=== ${provider}: ${n} services ===`);
  const db = await createDatabase(provider);
  const config: Config = parseConfig(benchEnv(db), ROOT);

  let t = Date.now();
  await applyMigrations(config);
  const migrateMs = Date.now() - t;

  const client: Db = await createDb(config);
  onCleanup(() => client.$disconnect());
  const ctx: Ctx = { config, db: client };
  for (const sql of FLIP_WRITTEN_DDL[provider]) await client.$executeRawUnsafe(sql);

  const receiver = await startReceiver();
  await createChannel(ctx, { name: "bench discord", type: "discord", config: { url: receiver.url } } as Parameters<typeof createChannel>[1]);

  const loadSamples: number[] = [os.loadavg()[0]];
  const loadTimer = setInterval(() => loadSamples.push(os.loadavg()[0]), 2000);
  onCleanup(async () => clearInterval(loadTimer));
  log(`starting the worker (node --import tsx scripts/worker.ts)`);
  const worker = startWorker(db);
  await worker.started;
  await sleep(500);
  // The worker's CPU time from here on is what the sweeps and deliveries cost (not its start-up).
  const workerCpuAtStart = procCpuMs(worker.pid);

  // Services, in two steps so that a slow bulk insert cannot eat into the lead time:
  //   1. createMany (chunks of 1,000): healthy, not yet watched (no deadline, no heartbeat);
  //   2. one UPDATE gives service i its heartbeat and deadline: deadline = T0 + floor(i * span / N) and
  //      last_heartbeat = deadline - stale_threshold, T0 being --lead seconds from then.
  // The deadlines are then read back from the database, so the figures use exactly what the worker saw.
  const now = new Date();
  const idOfName = new Map<string, string>();
  const width = String(n).length;
  const prefix = `bench-${provider}-`;
  const rows = Array.from({ length: n }, (_, i) => {
    const id = `${prefix}${String(i).padStart(width, "0")}`;
    const name = `bench-svc-${String(i).padStart(width, "0")}`;
    idOfName.set(name, id);
    return {
      id,
      name,
      status: "healthy",
      metadata: { bench: "detection", region: "local" },
      createdAt: new Date(now.getTime() - 3_600_000),
      updatedAt: now,
      lastHeartbeat: null,
      staleThreshold: THRESHOLD_S,
      deadline: null,
      beatCount: 1,
    };
  });
  t = Date.now();
  for (let i = 0; i < rows.length; i += 1000) await client.service.createMany({ data: rows.slice(i, i + 1000) });
  const insertMs = Date.now() - t;
  t = Date.now();
  const t0 = Date.now() + LEAD_MS;
  const ordinal = `CAST(substr(id, ${prefix.length + 1}) AS BIGINT)`;
  const offsetMs = `((${ordinal} * ${SPAN_MS}) / ${n})`;
  const thresholdMs = THRESHOLD_S * 1000;
  const activated =
    provider === "postgresql"
      ? await client.$executeRawUnsafe(
          `UPDATE services SET
             deadline = ($1::timestamptz AT TIME ZONE 'UTC') + ${offsetMs} * interval '1 millisecond',
             last_heartbeat = ($1::timestamptz AT TIME ZONE 'UTC') + (${offsetMs} - ${thresholdMs}) * interval '1 millisecond'
           WHERE id LIKE 'bench-%'`,
          new Date(t0).toISOString(),
        )
      : await client.$executeRawUnsafe(
          // Prisma's SQLite adapter stores DateTime as text: 2026-12-03T14:00:03.122+00:00.
          `UPDATE services SET
             deadline = strftime('%Y-%m-%dT%H:%M:%f+00:00', (${t0} + ${offsetMs}) / 1000.0, 'unixepoch'),
             last_heartbeat = strftime('%Y-%m-%dT%H:%M:%f+00:00', (${t0} + ${offsetMs} - ${thresholdMs}) / 1000.0, 'unixepoch')
           WHERE id LIKE 'bench-%'`,
        );
  const activateMs = Date.now() - t;
  const deadlineOf = new Map<string, number>();
  let inconsistent = 0;
  for (const r of await client.service.findMany({ select: { id: true, deadline: true, lastHeartbeat: true, staleThreshold: true } })) {
    if (!r.deadline || !r.lastHeartbeat || r.lastHeartbeat.getTime() + r.staleThreshold! * 1000 !== r.deadline.getTime()) inconsistent += 1;
    if (r.deadline) deadlineOf.set(r.id, r.deadline.getTime());
  }
  if (activated !== n || deadlineOf.size !== n || inconsistent) {
    throw new Error(`set-up: ${activated} services activated, ${deadlineOf.size} with a deadline, ${inconsistent} where last_heartbeat + threshold != deadline`);
  }
  const firstDeadlineInMs = Math.min(...deadlineOf.values()) - Date.now();
  log(`inserted ${n} services in ${insertMs} ms, gave them deadlines in ${activateMs} ms; first deadline in ${firstDeadlineInMs} ms, last ${SPAN_MS / 1000} s later`);
  if (firstDeadlineInMs < 0) log(`WARNING: set-up took longer than --lead; the first deadlines passed before it finished`);

  // Wait for every flip and every webhook, bounded.
  const lastDeadline = t0 + SPAN_MS;
  const giveUpAt = lastDeadline + GRACE_MS;
  const waitStart = Date.now();
  let flipped = 0;
  let lastLog = 0;
  for (;;) {
    flipped = await client.event.count({ where: { type: "flip" } });
    const webhooks = receiver.arrivals().length;
    if (Date.now() - lastLog > 5000) {
      lastLog = Date.now();
      log(`  t=${((Date.now() - t0) / 1000).toFixed(1)} s after the first deadline: ${flipped}/${n} flipped, ${webhooks}/${n} webhooks`);
    }
    if (flipped >= n && webhooks >= n) break;
    if (Date.now() > giveUpAt) {
      log(`  gave up ${GRACE_MS / 1000} s after the last deadline: ${flipped}/${n} flipped, ${webhooks}/${n} webhooks`);
      break;
    }
    await sleep(Date.now() < lastDeadline ? 1000 : 250);
  }
  // Give late duplicates a moment to show up, then stop the worker.
  await sleep(1000);
  const waitedMs = Date.now() - waitStart;
  const workerCpuNow = procCpuMs(worker.pid);
  flipped = await client.event.count({ where: { type: "flip" } });
  const workerCpuMs = workerCpuNow === null || workerCpuAtStart === null ? null : workerCpuNow - workerCpuAtStart;
  log(`stopping the worker (SIGTERM)`);
  const stopped = await worker.stop();
  clearInterval(loadTimer);
  loadSamples.push(os.loadavg()[0]);
  const workerErrors = (worker.output().match(/failed; retrying/g) ?? []).length;
  if (workerErrors) log(`the worker logged ${workerErrors} errors`);

  // Results from the database and the receiver.
  const flips = await client.event.findMany({ where: { type: "flip" }, select: { id: true, serviceId: true, at: true, status: true } });
  const written = new Map<string, number>();
  for (const r of await client.$queryRawUnsafe<{ event_id: string; written_ms: number | bigint | string }[]>(
    `SELECT event_id, written_ms FROM bench_flip_written`,
  )) {
    written.set(r.event_id, Number(r.written_ms));
  }
  const flipAt = new Map<string, number>();
  let duplicateFlips = 0;
  const lateness: number[] = [];
  const writtenLateness: number[] = [];
  for (const f of flips) {
    if (flipAt.has(f.serviceId)) {
      duplicateFlips += 1;
      continue;
    }
    flipAt.set(f.serviceId, f.at.getTime());
    const deadline = deadlineOf.get(f.serviceId);
    if (deadline === undefined) continue;
    lateness.push(f.at.getTime() - deadline);
    const w = written.get(f.id);
    if (w !== undefined) writtenLateness.push(w - deadline);
  }
  const arrivals = receiver.arrivals();
  const seen = new Set<string>();
  let duplicateWebhooks = 0;
  const flipToWebhook: number[] = [];
  const deadlineToWebhook: number[] = [];
  for (const a of arrivals) {
    const id = a.name ? idOfName.get(a.name) : undefined;
    if (!id) continue;
    if (seen.has(id)) {
      duplicateWebhooks += 1;
      continue;
    }
    seen.add(id);
    const at = flipAt.get(id);
    if (at !== undefined) flipToWebhook.push(a.at - at);
    deadlineToWebhook.push(a.at - deadlineOf.get(id)!);
  }
  for (const sql of FLIP_WRITTEN_DROP[provider]) await client.$executeRawUnsafe(sql);

  // Sweep with nothing due: every service back to healthy with a deadline an hour away, so the deadline index holds
  // N entries and none is due (after the run they are all stale with no deadline, which would be too easy).
  const later = new Date(Date.now() + 3_600_000);
  await client.service.updateMany({ data: { status: "healthy", deadline: later, lastHeartbeat: new Date(later.getTime() - THRESHOLD_S * 1000) } });
  log(`timing sweepStale with nothing due (${SWEEPS} calls, ${n} services in the table)`);
  for (let i = 0; i < 3; i++) await sweepStale(ctx); // warm-up
  const idle: number[] = [];
  for (let i = 0; i < SWEEPS; i++) {
    const s = performance.now();
    const r = await sweepStale(ctx);
    idle.push(performance.now() - s);
    if (r.marked) log(`  unexpected: an idle sweep marked ${r.marked}`);
  }

  // Sweeps that mark a batch: BATCH services made due at once, then one sweepStale, in-process.
  const batchSize = Math.min(BATCH, Math.floor(n / BATCH_REPS) || 1);
  log(`timing sweepStale marking ${batchSize} due services (${BATCH_REPS} times)`);
  const ids = [...deadlineOf.keys()];
  const batchMs: number[] = [];
  const batchCpuMs: number[] = [];
  const marked: number[] = [];
  for (let rep = 0; rep < BATCH_REPS; rep++) {
    const chunk = ids.slice(rep * batchSize, (rep + 1) * batchSize);
    if (chunk.length === 0) break;
    await client.service.updateMany({ where: { id: { in: chunk } }, data: { deadline: new Date(Date.now() - 1) } });
    const c = process.cpuUsage();
    const s = performance.now();
    const r = await sweepStale(ctx);
    batchMs.push(performance.now() - s);
    const cpu = process.cpuUsage(c);
    batchCpuMs.push((cpu.user + cpu.system) / 1000);
    marked.push(r.marked);
  }
  const batchDist = dist(batchMs);

  // The delivery loop's pass, in-process: the outbox now holds the batch sweeps' deliveries.
  log(`timing deliverDue passes over the ${marked.reduce((a, b) => a + b, 0)} pending deliveries`);
  const notifiers = new Map<string, ReturnType<typeof createNotifier>>();
  const notifierFor = (c: { id: string; type: string; config: unknown }) => {
    let nf = notifiers.get(c.id);
    if (!nf) {
      nf = createNotifier({ type: c.type, config: c.config } as ChannelConfig, { discordUsername: config.discordWebhookUsername });
      notifiers.set(c.id, nf);
    }
    return nf;
  };
  const passMs: number[] = [];
  let sent = 0;
  let claimedTotal = 0;
  for (let i = 0; i < 100; i++) {
    const s = performance.now();
    const stats = await deliverDue(ctx, { workerId: "bench", notifierFor });
    if (stats.claimed === 0) break;
    passMs.push(performance.now() - s);
    sent += stats.sent;
    claimedTotal += stats.claimed;
  }

  // Where a sweep's per-service time goes: the cost of the single statements its transaction is made of.
  log(`timing the building blocks (${DIAG_REPS} times each)`);
  const probeId = ids[ids.length - 1];
  const diag: Record<string, Dist | null> = {};
  const time = async (label: string, fn: () => Promise<unknown>) => {
    for (let i = 0; i < 3; i++) await fn();
    const ms: number[] = [];
    for (let i = 0; i < DIAG_REPS; i++) {
      const s = performance.now();
      await fn();
      ms.push(performance.now() - s);
    }
    diag[label] = dist(ms);
  };
  await time("SELECT 1 (raw)", () => client.$queryRawUnsafe("SELECT 1"));
  await time("service.findUnique by id", () => client.service.findUnique({ where: { id: probeId } }));
  await time("service.updateMany by id (1 row)", () => client.service.updateMany({ where: { id: probeId }, data: { updatedAt: new Date() } }));
  await time("channel.findMany", () => client.channel.findMany({ where: { enabled: true } }));
  await time("empty interactive $transaction", () => client.$transaction(async () => {}));
  await time("interactive $transaction with 1 updateMany", () =>
    client.$transaction(async (tx) => tx.service.updateMany({ where: { id: probeId }, data: { updatedAt: new Date() } })),
  );
  await time("nextDeadline (findFirst by deadline)", () =>
    client.service.findFirst({ where: { deadline: { not: null } }, orderBy: { deadline: "asc" }, select: { deadline: true } }),
  );

  await client.$disconnect();
  await receiver.close();
  await db.drop();
  log(`${provider} done; database dropped`);

  const latenessD = dist(lateness);
  const f2w = dist(flipToWebhook);
  const idleD = dist(idle);
  const complete = flipAt.size === n && seen.size === n && duplicateFlips === 0 && duplicateWebhooks === 0;
  return {
    provider,
    services: n,
    setup: { migrateMs, insertMs, activateMs, firstDeadlineInMs, spanMs: SPAN_MS, thresholdSeconds: THRESHOLD_S },
    completion: {
      flipped: flipAt.size,
      duplicateFlips,
      webhooks: seen.size,
      duplicateWebhooks,
      rejectedWebhooks: receiver.rejected(),
      complete,
      waitedMs,
    },
    latenessMs: latenessD,
    writtenLatenessMs: dist(writtenLateness),
    flipToWebhookMs: f2w,
    deadlineToWebhookMs: dist(deadlineToWebhook),
    sweepIdleMs: idleD,
    sweepBatch: {
      size: batchSize,
      reps: batchMs.length,
      ms: batchDist,
      perServiceMs: batchDist ? Math.round((batchDist.p50 / batchSize) * 100) / 100 : null,
      cpuPerServiceMs: batchCpuMs.length ? Math.round((dist(batchCpuMs)!.p50 / batchSize) * 100) / 100 : null,
      marked,
    },
    deliverPass: {
      passes: passMs.length,
      ms: dist(passMs),
      perDeliveryMs: claimedTotal ? Math.round((passMs.reduce((a, b) => a + b, 0) / claimedTotal) * 100) / 100 : null,
      sent,
    },
    load: {
      at1mMean: Math.round((loadSamples.reduce((a, b) => a + b, 0) / loadSamples.length) * 100) / 100,
      at1mMax: Math.round(Math.max(...loadSamples) * 100) / 100,
    },
    diagnosticsMs: diag,
    worker: {
      cpuMs: workerCpuMs,
      // Per service flipped before the worker was stopped (the webhooks of most of them delivered too).
      cpuMsPerService: workerCpuMs === null ? null : Math.round((workerCpuMs / Math.max(1, flipped)) * 100) / 100,
      errors: workerErrors,
      stop: stopped, ...(workerErrors || !complete ? { outputTail: worker.output().slice(-4000) } : {}) },
    pass: {
      lateness: latenessD !== null && latenessD.p99 <= TARGET.latenessP99Ms && flipAt.size === n,
      sweep: idleD !== null && idleD.p99 <= TARGET.sweepMs,
      flipToWebhook: f2w !== null && f2w.p99 <= TARGET.flipToWebhookP99Ms && seen.size === n,
      complete,
    },
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Machine and report

async function machine() {
  const cpus = os.cpus();
  let postgres: string | null = null;
  if (TARGETS.includes("postgresql")) {
    postgres = (await adminQuery<{ server_version: string }>(PG_ADMIN_URL, "SHOW server_version").catch(() => [{ server_version: "unreachable" }]))[0].server_version;
  }
  let sqlite: string | null = null;
  try {
    const { default: Database } = await import("better-sqlite3");
    const mem = new Database(":memory:");
    sqlite = (mem.prepare("SELECT sqlite_version() AS v").get() as { v: string }).v;
    mem.close();
  } catch {
    // not essential
  }
  return {
    cpuModel: cpus[0]?.model ?? "unknown",
    cores: cpus.length,
    totalMemoryGb: Math.round((os.totalmem() / 1024 ** 3) * 10) / 10,
    node: process.version,
    platform: `${os.type()} ${os.release()} ${os.arch()}`,
    postgres,
    sqlite,
    loadAverage1m: Math.round(os.loadavg()[0] * 100) / 100,
  };
}

const fmt = (d: Dist | null, key: keyof Dist) => (d ? String(d[key]) : "—");

function printReport(report: { machine: Awaited<ReturnType<typeof machine>>; date: string; runs: RunReport[]; pass: boolean }, stream: NodeJS.WritableStream) {
  const m = report.machine;
  const out: string[] = [];
  out.push(`Machine: ${m.cpuModel}, ${m.cores} cores, ${m.totalMemoryGb} GB RAM, Node ${m.node}, ${m.platform}`);
  out.push(`Databases: SQLite ${m.sqlite ?? "?"}${m.postgres ? `, PostgreSQL ${m.postgres} (127.0.0.1)` : ""}; date ${report.date}`);
  out.push(
    `Set-up: deadlines staggered over ${SPAN_MS / 1000} s, first ${LEAD_MS / 1000} s after the insert; HEARTBEAT_CHECK_INTERVAL=30, FLAP_THRESHOLD=0; one Discord channel -> fake Discord on 127.0.0.1 (204)`,
  );
  out.push("");
  const header = ["metric (ms)", ...report.runs.map((r) => `${r.provider} (${r.services})`)];
  const rows: string[][] = [];
  const row = (label: string, f: (r: RunReport) => string) => rows.push([label, ...report.runs.map(f)]);
  row("flipped / webhooks", (r) => `${r.completion.flipped} / ${r.completion.webhooks}`);
  row("duplicate flips / webhooks", (r) => `${r.completion.duplicateFlips} / ${r.completion.duplicateWebhooks}`);
  row("lateness p50 (flip at - deadline)", (r) => fmt(r.latenessMs, "p50"));
  row("lateness p99", (r) => fmt(r.latenessMs, "p99"));
  row("lateness max", (r) => fmt(r.latenessMs, "max"));
  row("flip row written - deadline p50", (r) => fmt(r.writtenLatenessMs, "p50"));
  row("flip row written - deadline p99", (r) => fmt(r.writtenLatenessMs, "p99"));
  row("flip row written - deadline max", (r) => fmt(r.writtenLatenessMs, "max"));
  row("flip-to-webhook p50", (r) => fmt(r.flipToWebhookMs, "p50"));
  row("flip-to-webhook p99", (r) => fmt(r.flipToWebhookMs, "p99"));
  row("flip-to-webhook max", (r) => fmt(r.flipToWebhookMs, "max"));
  row("deadline-to-webhook p99", (r) => fmt(r.deadlineToWebhookMs, "p99"));
  row(`sweep, nothing due p50 (${SWEEPS} calls)`, (r) => fmt(r.sweepIdleMs, "p50"));
  row("sweep, nothing due p99", (r) => fmt(r.sweepIdleMs, "p99"));
  row("sweep marking a batch p50", (r) => `${fmt(r.sweepBatch.ms, "p50")} (${r.sweepBatch.size} due)`);
  row("sweep marking a batch max", (r) => fmt(r.sweepBatch.ms, "max"));
  row("  per service marked", (r) => String(r.sweepBatch.perServiceMs ?? "—"));
  row("  CPU per service marked (in-process)", (r) => String(r.sweepBatch.cpuPerServiceMs ?? "—"));
  row("worker CPU per flipped service (sweep + delivery)", (r) => String(r.worker.cpuMsPerService ?? "—"));
  row("deliverDue pass p50 (in-process)", (r) => `${fmt(r.deliverPass.ms, "p50")} (${r.deliverPass.passes} passes)`);
  row("  per delivery", (r) => String(r.deliverPass.perDeliveryMs ?? "—"));
  row("bulk insert of the services", (r) => String(r.setup.insertMs));
  row("worker errors logged", (r) => String(r.worker.errors));
  row("worker exit after SIGTERM", (r) => (r.worker.stop ? `${r.worker.stop.ms} ms${r.worker.stop.signal === "SIGKILL" ? " (SIGKILL after 15 s)" : ""}` : "—"));
  row("load average (1 min) mean / max during the run", (r) => `${r.load.at1mMean} / ${r.load.at1mMax}`);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) => "| " + cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join(" | ") + " |";
  out.push(line(header));
  out.push("|" + widths.map((w, i) => (i === 0 ? "-".repeat(w + 2) : "-".repeat(w + 1) + ":")).join("|") + "|");
  for (const r of rows) out.push(line(r));
  out.push("");
  const labels = [...new Set(report.runs.flatMap((r) => Object.keys(r.diagnosticsMs)))];
  if (labels.length) {
    out.push(`Building blocks, in-process after the run (p50 / p99 ms over ${DIAG_REPS} calls):`);
    for (const l of labels) {
      out.push(`  ${l.padEnd(44)} ` + report.runs.map((r) => `${r.provider} ${fmt(r.diagnosticsMs[l] ?? null, "p50")} / ${fmt(r.diagnosticsMs[l] ?? null, "p99")}`).join("   "));
    }
    out.push("");
  }
  for (const r of report.runs) {
    const v = (ok: boolean) => (ok ? "PASS" : "FAIL");
    out.push(`${r.provider} (${r.services} services):`);
    out.push(`  ${v(r.pass.lateness)}  detection lateness p99 ${fmt(r.latenessMs, "p99")} ms <= ${TARGET.latenessP99Ms} ms (all ${r.services} flipped: ${r.completion.flipped === r.services})`);
    out.push(`  ${v(r.pass.sweep)}  sweep with nothing due p99 ${fmt(r.sweepIdleMs, "p99")} ms <= ${TARGET.sweepMs} ms`);
    out.push(`  ${v(r.pass.flipToWebhook)}  flip-to-webhook p99 ${fmt(r.flipToWebhookMs, "p99")} ms <= ${TARGET.flipToWebhookP99Ms} ms (all ${r.services} delivered: ${r.completion.webhooks === r.services})`);
    out.push(`  ${v(r.pass.complete)}  exactly one flip and one webhook per service`);
  }
  out.push("");
  out.push(report.pass ? "RESULT: PASS" : "RESULT: FAIL");
  stream.write(out.join("\n") + "\n");
}

// ---------------------------------------------------------------------------------------------------------------

try {
  const m = await machine();
  const runs: RunReport[] = [];
  for (const provider of TARGETS) runs.push(await run(provider, SERVICES[provider]));
  const pass = runs.every((r) => Object.values(r.pass).every(Boolean));
  const report = { benchmark: "detection", date: new Date().toISOString(), machine: m, options: { spanMs: SPAN_MS, leadMs: LEAD_MS, graceMs: GRACE_MS, thresholdSeconds: THRESHOLD_S, sweeps: SWEEPS, batch: BATCH, batchReps: BATCH_REPS }, targets: TARGET, runs, pass };
  // With --json the human-readable report still goes to stderr, beside the progress lines.
  printReport(report, JSON_OUT ? process.stderr : process.stdout);
  if (JSON_OUT) process.stdout.write(JSON.stringify(report, null, 2) + "\n");
  clearTimeout(watchdog);
  await cleanup();
  process.exit(pass ? 0 : 1);
} catch (error) {
  clearTimeout(watchdog);
  await abort(`failed: ${(error as Error).stack ?? error}`, 1);
}
