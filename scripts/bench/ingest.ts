// Heartbeat ingest benchmark: `npx tsx scripts/bench/ingest.ts [--duration 30] [--json]` (or `npm run bench:ingest`).
//
// Three targets, each under `next start` on 127.0.0.1 and loaded by autocannon:
//   1. empty       an empty Next.js route handler (scripts/bench/empty-next-app): the framework's own ceiling, at
//                  /api/empty and ("empty-route") at the heartbeat's own dynamic path, /api/services/<id>/heartbeat;
//   2. sqlite      the LaneSwap production build on a fresh SQLite file, heartbeats to many services;
//   3. postgresql  the same on a fresh PostgreSQL database (created on 127.0.0.1:5432 and dropped afterwards).
// All three servers are started first; after a warm-up each, the measured time is cut into rounds and in every round
// each target is loaded in turn for a slice of it, never two at once. The machine's speed drifts by tens of percent
// within minutes on a shared VM; interleaved slices expose every target to the same drift, so the ratios compare
// like with like (one target after the other, the empty route alone served 395-790 req/s within ten minutes).
// While a target is loaded, the server's RSS (its whole process tree, from /proc) is sampled every second and its CPU
// time is taken at both ends. Prints a table, the ratios to the empty app (overall and per round), PASS/FAIL per
// target (sqlite >= 0.8x empty; zero errors; every answered heartbeat stored) and the machine. Exits 1 when a target
// fails. Every server process, temporary directory and database is removed at the end, also on failure or Ctrl-C
// (and by a detached guardian if this process is killed outright); a watchdog bounds the run.
// The LaneSwap build is copied from .next first, so a `next build` elsewhere in the repository cannot disturb a run.

import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import { createRequire } from "node:module";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import Database from "better-sqlite3";
import pg from "pg";
import { abort, cleanup, cleanupStarted, createBenchDatabase, freePort, guardRun, log, onCleanup, onCleanupStart, positiveInt, sleep, type BenchDb } from "./common";

// ---------------------------------------------------------------------------------------------------------------
// Options

const { values: opts } = parseArgs({
  options: {
    duration: { type: "string", default: "30" },
    rounds: { type: "string", default: "6" },
    warmup: { type: "string", default: "3" },
    connections: { type: "string", default: "50" },
    services: { type: "string", default: "200" },
    only: { type: "string", default: "empty,sqlite,postgresql" },
    "pg-url": { type: "string", default: process.env.LANESWAP_TEST_PG_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres" },
    minimal: { type: "boolean", default: false },
    build: { type: "boolean", default: false },
    "cpu-prof-dir": { type: "string" },
    "node-arg": { type: "string", multiple: true, default: [] },
    json: { type: "boolean", default: false },
    help: { type: "boolean", default: false },
  },
});

if (opts.help) {
  process.stdout.write(`Usage: npx tsx scripts/bench/ingest.ts [options]
  --duration S        measured seconds per target, over all rounds (default 30)
  --rounds N          rounds the measured time is cut into; each round loads every target in turn (default 6)
  --warmup S          seconds of warm-up per target before the first round (default 3)
  --connections N     concurrent connections (default 50)
  --services N        services registered and heartbeated in rotation (default 200)
  --only LIST         which targets, comma-separated: empty,sqlite,postgresql (default all three)
  --pg-url URL        PostgreSQL admin URL used to create/drop the benchmark database
                      (default $LANESWAP_TEST_PG_URL or postgresql://postgres@127.0.0.1:5432/postgres)
  --minimal           send 'Prefer: return=minimal' with each heartbeat (the service without its 100 events, as
                      the TypeScript SDK's automatic heartbeats ask); default: the compatible full answer
  --build             rebuild the LaneSwap app and the empty app first (otherwise only when a build is missing)
  --cpu-prof-dir DIR  run each server under node --cpu-prof and write the profiles to DIR
  --node-arg ARG      an extra node option for the servers (repeatable), e.g. --node-arg=--require=./probe.cjs
  --json              print machine-readable JSON on stdout (progress goes to stderr either way)
`);
  process.exit(0);
}

const DURATION = positiveInt("duration", opts.duration!, 3600);
const ROUNDS = positiveInt("rounds", opts.rounds!, 1000);
const SLICE = Math.max(1, Math.round(DURATION / ROUNDS));
const WARMUP = positiveInt("warmup", opts.warmup!, 600);
const CONNECTIONS = positiveInt("connections", opts.connections!, 10_000);
const SERVICES = positiveInt("services", opts.services!, 100_000);
const PG_ADMIN_URL = opts["pg-url"]!;
const CPU_PROF_DIR = opts["cpu-prof-dir"] ? path.resolve(opts["cpu-prof-dir"]) : undefined;
const JSON_OUT = opts.json!;

// "empty-route" is the empty app's handler at the heartbeat's own dynamic path; it comes with "empty" (one server).
type TargetName = "empty" | "empty-route" | "sqlite" | "postgresql";
const ALL_TARGETS = ["empty", "sqlite", "postgresql"] as const;
const TARGETS = opts.only!.split(",").map((s) => s.trim()).filter(Boolean) as (typeof ALL_TARGETS)[number][];
for (const t of TARGETS) {
  if (!ALL_TARGETS.includes(t)) {
    console.error(`--only: unknown target '${t}' (use ${ALL_TARGETS.join(", ")})`);
    process.exit(2);
  }
}

// The thresholds this benchmark checks.
const SQLITE_MIN_RATIO = 0.8;

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const EMPTY_APP = path.join(ROOT, "scripts/bench/empty-next-app");
const NEXT_BIN = path.join(ROOT, "node_modules/next/dist/bin/next");
const ADMIN_KEY = "bench-admin-key-" + randomBytes(12).toString("hex");
const HEARTBEAT_BODY = JSON.stringify({ status: "healthy", message: "bench heartbeat: all systems nominal" });


// autocannon ships no types and @types/autocannon is not installed: the part of its API used here.
type AutocannonResult = {
  requests: { average: number; mean: number; total: number };
  throughput: { total: number };
  latency: { p50: number; p90: number; p97_5: number; p99: number; p99_9: number; average: number; max: number };
  errors: number;
  timeouts: number;
  non2xx: number;
  "2xx": number;
  duration: number;
  statusCodeStats?: Record<string, { count: number }>;
};
type AutocannonInstance = { stop(): void; on(event: "tick", cb: (t: { counter: number }) => void): void };
type AutocannonOptions = {
  url: string;
  connections: number;
  duration: number;
  method?: string;
  headers?: Record<string, string>;
  body?: string;
  requests?: { setupRequest?: (req: Record<string, unknown>) => Record<string, unknown> }[];
};
type Autocannon = (opts: AutocannonOptions, cb: (err: Error | null, result: AutocannonResult) => void) => AutocannonInstance;
const autocannon = createRequire(import.meta.url)("autocannon") as Autocannon;

// ---------------------------------------------------------------------------------------------------------------
// Clean-up: every server and database registers how to remove itself; run on success, failure, Ctrl-C and timeout.
//
// The same things are also listed in a file read by a small detached guardian process, which removes whatever is
// left once this process is gone: a clean-up cannot run if this process is killed outright (SIGKILL, or `npx`/`tsx`
// escalating a Ctrl-C to SIGKILL while the servers are still shutting down).

type Leftovers = { processGroups: number[]; dirs: string[]; pgDatabases: string[] };
const leftovers: Leftovers = { processGroups: [], dirs: [], pgDatabases: [] };
const guardDir = fs.mkdtempSync(path.join(os.tmpdir(), "laneswap-bench-guard-"));
const guardFile = path.join(guardDir, "leftovers.json");

function track<K extends keyof Leftovers>(kind: K, value: Leftovers[K][number], present: boolean): void {
  const list = leftovers[kind] as (string | number)[];
  const i = list.indexOf(value);
  if (present && i < 0) list.push(value);
  if (!present && i >= 0) list.splice(i, 1);
  fs.writeFileSync(guardFile, JSON.stringify({ ...leftovers, pgAdminUrl: PG_ADMIN_URL }));
}

const GUARDIAN = `
const fs = require("node:fs"), path = require("node:path");
const [parent, file, root] = process.argv.slice(1);
const alive = () => { try { process.kill(Number(parent), 0); return true; } catch (e) { return e.code === "EPERM"; } };
const timer = setInterval(async () => {
  if (alive()) return;
  clearInterval(timer);
  let s = { processGroups: [], dirs: [], pgDatabases: [] };
  try { s = JSON.parse(fs.readFileSync(file, "utf8")); } catch {}
  const signal = (sig) => s.processGroups.forEach((g) => { try { process.kill(-g, sig); } catch {} });
  signal("SIGTERM");
  if (s.processGroups.length) await new Promise((r) => setTimeout(r, 5000));
  signal("SIGKILL");
  if (s.pgDatabases.length) {
    try {
      const pg = require(path.join(root, "node_modules/pg"));
      const c = new pg.Client({ connectionString: s.pgAdminUrl, connectionTimeoutMillis: 5000 });
      await c.connect();
      for (const d of s.pgDatabases) await c.query("DROP DATABASE IF EXISTS " + d + " WITH (FORCE)").catch(() => {});
      await c.end();
    } catch {}
  }
  for (const d of [...s.dirs, path.dirname(file)]) fs.rmSync(d, { recursive: true, force: true });
  process.exit(0);
}, 500);
`;
fs.writeFileSync(guardFile, JSON.stringify({ ...leftovers, pgAdminUrl: PG_ADMIN_URL }));
spawn(process.execPath, ["-e", GUARDIAN, String(process.pid), guardFile, ROOT], { detached: true, stdio: "ignore" }).unref();

const running = new Set<AutocannonInstance>();
onCleanupStart(() => {
  for (const inst of running) inst.stop();
});

/** Throws once clean-up has begun, so the main flow starts nothing new while (or after) it runs. */
function assertNotCleaningUp(): void {
  if (cleanupStarted()) throw new Error("cleaning up");
}

// The whole run is bounded: builds, start-ups and the measured runs, with generous slack.
const budgetSeconds = 600 + TARGETS.length * (WARMUP + DURATION + 2 * ROUNDS + 180);
const watchdog = guardRun(budgetSeconds * 1000);

// ---------------------------------------------------------------------------------------------------------------
// Builds

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === ".next" || entry.name === "node_modules") continue;
    const p = path.join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(p) : fs.statSync(p).mtimeMs);
  }
  return newest;
}

function build(label: string, args: string[]): void {
  for (let attempt = 1; ; attempt++) {
    log(`building ${label}: next build ${args.join(" ")}`);
    const res = spawnSync(process.execPath, [NEXT_BIN, "build", ...args], {
      cwd: ROOT,
      env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1" },
      encoding: "utf8",
      timeout: 300_000,
    });
    if (res.status === 0) return;
    const busy = /Another next build process is already running/.test(res.stdout + res.stderr);
    if (!busy || attempt >= 3) throw new Error(`next build ${args.join(" ")} failed:\n${res.stdout}\n${res.stderr}`);
    log("another next build is running; waiting for it");
    spawnSync("sleep", ["15"]);
  }
}

/**
 * A private copy of the LaneSwap build (.next without its cache, next.config.mjs, package.json and the migrations,
 * with node_modules linked), so that another `next build` in the repository (tests build before they run) cannot
 * pull the files from under a running benchmark. Waits for a build in progress to finish, and copies again if a
 * build started while copying.
 */
async function snapshotMainBuild(): Promise<{ dir: string; buildId: string; builtAt: string }> {
  const dist = path.join(ROOT, ".next");
  const idFile = path.join(dist, "BUILD_ID");
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "laneswap-bench-app-"));
  track("dirs", dir, true);
  onCleanup(async () => {
    fs.rmSync(dir, { recursive: true, force: true });
    track("dirs", dir, false);
  });
  const deadline = Date.now() + 300_000;
  for (;;) {
    if (Date.now() > deadline) throw new Error("no complete LaneSwap build in .next after waiting 5 minutes");
    if (!fs.existsSync(idFile) || fs.existsSync(path.join(dist, "lock"))) {
      log("waiting for a next build in progress to finish");
      await sleep(2000);
      continue;
    }
    const before = fs.readFileSync(idFile, "utf8") + fs.statSync(idFile).mtimeMs;
    fs.rmSync(path.join(dir, ".next"), { recursive: true, force: true });
    try {
      fs.cpSync(dist, path.join(dir, ".next"), {
        recursive: true,
        verbatimSymlinks: true,
        filter: (src) => !["cache", "lock", "trace", "trace-build", "diagnostics"].includes(path.relative(dist, src)),
      });
    } catch (error) {
      log(`copying .next failed (${(error as Error).message}); retrying`);
      await sleep(2000);
      continue;
    }
    const stillThere = fs.existsSync(idFile) && !fs.existsSync(path.join(dist, "lock"));
    if (stillThere && fs.readFileSync(idFile, "utf8") + fs.statSync(idFile).mtimeMs === before) {
      for (const f of ["next.config.mjs", "package.json"]) fs.copyFileSync(path.join(ROOT, f), path.join(dir, f));
      for (const provider of ["sqlite", "postgresql"]) {
        const from = path.join(ROOT, "prisma", provider, "migrations");
        if (fs.existsSync(from)) fs.cpSync(from, path.join(dir, "prisma", provider, "migrations"), { recursive: true });
      }
      fs.symlinkSync(path.join(ROOT, "node_modules"), path.join(dir, "node_modules"), "dir");
      return { dir, buildId: fs.readFileSync(path.join(dir, ".next/BUILD_ID"), "utf8").trim(), builtAt: new Date(fs.statSync(idFile).mtimeMs).toISOString() };
    }
    log("a next build started while copying .next; copying again");
  }
}

function ensureBuilds(): void {
  const wantMain = TARGETS.some((t) => t !== "empty");
  const dist = path.join(ROOT, ".next");
  if (wantMain && (opts.build || (!fs.existsSync(path.join(dist, "BUILD_ID")) && !fs.existsSync(path.join(dist, "lock"))))) {
    build("LaneSwap", []);
  }
  const emptyId = path.join(EMPTY_APP, ".next/BUILD_ID");
  if (
    TARGETS.includes("empty") &&
    (opts.build || !fs.existsSync(emptyId) || newestMtime(EMPTY_APP) > fs.statSync(emptyId).mtimeMs)
  ) {
    build("the empty app", ["scripts/bench/empty-next-app"]);
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Databases

async function createDatabase(provider: "sqlite" | "postgresql"): Promise<BenchDb> {
  assertNotCleaningUp();
  return createBenchDatabase(provider, {
    adminUrl: PG_ADMIN_URL,
    prefix: "laneswap_bench",
    leftover: (kind, value, present) => track(kind === "dir" ? "dirs" : "pgDatabases", value, present),
  });
}

/** Heartbeats the database actually recorded (sum of services.beat_count). */
async function recordedHeartbeats(provider: "sqlite" | "postgresql", url: string): Promise<number> {
  if (provider === "sqlite") {
    const db = new Database(url.replace(/^file:/, ""), { readonly: true, timeout: 10_000 });
    try {
      return Number((db.prepare("SELECT COALESCE(SUM(beat_count), 0) AS n FROM services").get() as { n: number }).n);
    } finally {
      db.close();
    }
  }
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query("SELECT COALESCE(SUM(beat_count), 0)::bigint AS n FROM services");
    return Number(rows[0].n);
  } finally {
    await client.end();
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Servers


// Settings LaneSwap reads from the environment: none may leak in from the caller's shell.
const LANESWAP_ENV = [
  "DATABASE_URL", "DISCORD_WEBHOOK_URL", "DISCORD_WEBHOOK_USERNAME", "HEARTBEAT_CHECK_INTERVAL", "HEARTBEAT_STALE_THRESHOLD",
  "HOST", "PORT", "DEBUG", "CORS_ORIGINS", "API_URL", "MONITOR_URL", "NEXTAUTH_SECRET", "NEXTAUTH_URL", "DATA_DIR",
  "HISTORY_HEARTBEATS", "FLIP_RETENTION_DAYS", "RATE_LIMIT_PER_KEY", "AUTH_FAILURES_PER_MINUTE", "MONGODB_URL", "NODE_OPTIONS",
];

function cleanEnv(extra: Record<string, string>): Record<string, string | undefined> {
  const env: Record<string, string | undefined> = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (LANESWAP_ENV.includes(k) || k.startsWith("LANESWAP_")) continue;
    env[k] = v;
  }
  return { ...env, NEXT_TELEMETRY_DISABLED: "1", ...extra };
}

type Server = { url: string; pid: number; output: () => string; stop(): Promise<void> };

async function startServer(
  label: string,
  cwd: string,
  appArgs: string[],
  env: Record<string, string>,
  readyPath: string,
  readyMethod = "GET",
): Promise<Server> {
  assertNotCleaningUp();
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const nodeArgs = [...(opts["node-arg"] ?? [])];
  if (CPU_PROF_DIR) nodeArgs.push("--cpu-prof", `--cpu-prof-dir=${CPU_PROF_DIR}`, `--cpu-prof-name=${label}-${Date.now()}.cpuprofile`);
  // Its own process group (detached), so the whole tree can be signalled and Ctrl-C here does not reach it first.
  const child: ChildProcess = spawn(
    process.execPath,
    [...nodeArgs, NEXT_BIN, "start", ...appArgs, "-p", String(port), "-H", "127.0.0.1"],
    { cwd, env: cleanEnv({ ...env, PORT: String(port) }) as NodeJS.ProcessEnv, stdio: ["ignore", "pipe", "pipe"], detached: true },
  );
  track("processGroups", child.pid!, true);
  let out = "";
  const keep = (d: Buffer) => {
    out += d;
    if (out.length > 200_000) out = out.slice(-100_000);
  };
  child.stdout!.on("data", keep);
  child.stderr!.on("data", keep);
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    if (child.exitCode !== null || child.signalCode) {
      track("processGroups", child.pid!, false);
      return;
    }
    const signal = (sig: NodeJS.Signals) => {
      try {
        process.kill(-child.pid!, sig);
      } catch {
        // already gone
      }
    };
    signal("SIGTERM");
    const killed = await Promise.race([exited.then(() => true), sleep(10_000).then(() => false)]);
    if (!killed) {
      signal("SIGKILL");
      await exited;
    }
    track("processGroups", child.pid!, false);
  };
  onCleanup(stop);

  const deadline = Date.now() + 90_000;
  for (;;) {
    if (child.exitCode !== null || child.signalCode) throw new Error(`${label} server exited during start-up:\n${out}`);
    if (Date.now() > deadline) throw new Error(`${label} server did not answer ${readyPath} within 90 s:\n${out}`);
    try {
      const res = await fetch(url + readyPath, { method: readyMethod, signal: AbortSignal.timeout(5_000) });
      if (res.ok) break;
    } catch {
      // not listening yet
    }
    await sleep(100);
  }
  return { url, pid: child.pid!, output: () => out, stop };
}


// ---------------------------------------------------------------------------------------------------------------
// Memory: the resident set of the server's whole process tree (`next start` serves in its own process today, but
// a future version may fork a child), from /proc, every second.

function processTree(root: number): number[] {
  const children = new Map<number, number[]>();
  for (const name of fs.readdirSync("/proc")) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${name}/stat`, "utf8");
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      const list = children.get(ppid) ?? [];
      list.push(Number(name));
      children.set(ppid, list);
    } catch {
      // exited meanwhile
    }
  }
  const out: number[] = [];
  const todo = [root];
  while (todo.length) {
    const pid = todo.pop()!;
    out.push(pid);
    todo.push(...(children.get(pid) ?? []));
  }
  return out;
}

function rssKb(pid: number): number {
  try {
    const m = /^VmRSS:\s+(\d+)\s+kB/m.exec(fs.readFileSync(`/proc/${pid}/status`, "utf8"));
    return m ? Number(m[1]) : 0;
  } catch {
    return 0;
  }
}

const CLK_TCK = Number(spawnSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).stdout?.trim()) || 100;

/** CPU time (user + system) a process has used so far, in milliseconds. */
function cpuMs(pid: number): number {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    // utime and stime are fields 14 and 15 of /proc/<pid>/stat, i.e. 11 and 12 after the ")" of the name.
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLK_TCK;
  } catch {
    return 0;
  }
}

/**
 * Samples the resident set of the server's process tree every second, and its CPU time at the start and end.
 * CPU time per request is the server's own cost, much less sensitive than requests/s to other load on the machine.
 */
function sampleServer(root: number): { stop(): { rssMb: number[]; cpuMs: number } } {
  const samples: number[] = [];
  const cpu = () => processTree(root).reduce((sum, pid) => sum + cpuMs(pid), 0);
  const take = () => samples.push(processTree(root).reduce((sum, pid) => sum + rssKb(pid), 0) / 1024);
  const cpuStart = cpu();
  take();
  const timer = setInterval(take, 1000);
  return {
    stop: () => {
      clearInterval(timer);
      take();
      return { rssMb: samples, cpuMs: cpu() - cpuStart };
    },
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Load

type Load = { url: string; method: string; headers: Record<string, string>; body: string; paths: string[] };

function fire(load: Load, seconds: number, perSecond: number[] = []): Promise<AutocannonResult> {
  assertNotCleaningUp();
  let next = 0;
  return new Promise((resolve, reject) => {
    const inst = autocannon(
      {
        url: load.url,
        connections: CONNECTIONS,
        duration: seconds,
        method: load.method,
        headers: load.headers,
        body: load.body,
        // One request, re-addressed each time to the next service in rotation across all connections.
        requests: [{ setupRequest: (req) => ({ ...req, path: load.paths[next++ % load.paths.length] }) }],
      },
      (err, result) => {
        running.delete(inst);
        if (err) reject(err);
        else resolve(result);
      },
    );
    running.add(inst);
    inst.on("tick", ({ counter }) => perSecond.push(counter));
  });
}

type Measurement = {
  target: TargetName;
  ok: boolean;
  skipped?: string;
  requestsPerSecond: number;
  latencyP50Ms: number;
  latencyP99Ms: number;
  latencyMeanMs: number;
  latencyPercentilesMs: { p90: number; p97_5: number; p99_9: number; max: number };
  requestsTotal: number;
  responses2xx: number;
  errors: number;
  timeouts: number;
  non2xx: number;
  statusCodes: Record<string, number>;
  /** Mean bytes received per completed request (headers and body). */
  responseBytes: number;
  durationSeconds: number;
  /** Requests completed in each second of the measured slices (a stall shows as a run of zeros). */
  completedPerSecond: number[];
  /** Requests/s over the later half of the rounds: the rate once start-up effects (JIT) have passed. */
  secondHalfRequestsPerSecond: number;
  /** Requests/s of each round's slice. */
  roundRequestsPerSecond: number[];
  /** Server CPU time (user + system, whole process tree) per completed request during the measured run. */
  serverCpuMsPerRequest: number;
  /** Server CPU time over wall time during the measured run (1 = one core busy). */
  serverCpuUtilization: number;
  rssMb: { start: number; end: number; max: number; samples: number[] };
  recordedHeartbeats?: number;
  sent2xxIncludingWarmup?: number;
  /** Requests of the warm-up and measured runs that got no 2xx answer (timeouts, errors, non-2xx). */
  failedIncludingWarmup?: number;
  /** 1-minute load average just before the warm-ups: what else the machine was doing. */
  backgroundLoad1m?: number;
};

type Slice = { result: AutocannonResult; perSecond: number[]; cpuMs: number; rssMb: number[] };

/** A started target: its server, its load, and what to do once measured (stop, count what was stored, drop). */
type Prepared = {
  target: TargetName;
  server: Server;
  load: Load;
  warm?: AutocannonResult;
  slices: Slice[];
  finish(): Promise<{ recordedHeartbeats?: number }>;
};

async function slice(p: Prepared): Promise<void> {
  const sampler = sampleServer(p.server.pid);
  const perSecond: number[] = [];
  const result = await fire(p.load, SLICE, perSecond);
  const sampled = sampler.stop();
  p.slices.push({ result, perSecond: perSecond.slice(0, SLICE), cpuMs: sampled.cpuMs, rssMb: sampled.rssMb });
}

const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
const median = (xs: number[]) => {
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted.length ? sorted[Math.floor((sorted.length - 1) / 2)] : 0;
};
/** Requests/s of one slice. */
const sliceRate = (sl: Slice) => (sl.result.duration > 0 ? sl.result.requests.total / sl.result.duration : 0);

function summarise(p: Prepared): Measurement {
  const rs = p.slices.map((sl) => sl.result);
  const total = sum(rs.map((r) => r.requests.total));
  const seconds = sum(rs.map((r) => r.duration));
  const cpu = sum(p.slices.map((sl) => sl.cpuMs));
  const samples = p.slices.flatMap((sl) => sl.rssMb).map((mb) => Math.round(mb * 10) / 10);
  const statusCodes: Record<string, number> = {};
  for (const r of rs) for (const [code, { count }] of Object.entries(r.statusCodeStats ?? {})) statusCodes[code] = (statusCodes[code] ?? 0) + Number(count);
  const later = p.slices.slice(Math.floor(p.slices.length / 2));
  const warm = p.warm!;
  const m: Measurement = {
    target: p.target,
    ok: true,
    requestsPerSecond: seconds > 0 ? total / seconds : 0,
    // Percentiles of the slices: the median slice's p50, the worst slice's p99 and beyond.
    latencyP50Ms: median(rs.map((r) => r.latency.p50)),
    latencyP99Ms: Math.max(...rs.map((r) => r.latency.p99)),
    latencyMeanMs: total > 0 ? sum(rs.map((r) => r.latency.average * r.requests.total)) / total : 0,
    latencyPercentilesMs: {
      p90: median(rs.map((r) => r.latency.p90)),
      p97_5: Math.max(...rs.map((r) => r.latency.p97_5)),
      p99_9: Math.max(...rs.map((r) => r.latency.p99_9)),
      max: Math.max(...rs.map((r) => r.latency.max)),
    },
    requestsTotal: total,
    responses2xx: sum(rs.map((r) => r["2xx"])),
    errors: sum(rs.map((r) => r.errors)),
    timeouts: sum(rs.map((r) => r.timeouts)),
    non2xx: sum(rs.map((r) => r.non2xx)),
    statusCodes,
    responseBytes: total > 0 ? Math.round(sum(rs.map((r) => r.throughput.total)) / total) : 0,
    durationSeconds: seconds,
    completedPerSecond: p.slices.flatMap((sl) => sl.perSecond),
    secondHalfRequestsPerSecond: sum(later.map((sl) => sl.result.requests.total)) / Math.max(1, sum(later.map((sl) => sl.result.duration))),
    roundRequestsPerSecond: p.slices.map(sliceRate),
    serverCpuMsPerRequest: total > 0 ? cpu / total : 0,
    serverCpuUtilization: seconds > 0 ? cpu / (seconds * 1000) : 0,
    rssMb: { start: samples[0], end: samples[samples.length - 1], max: Math.max(...samples), samples },
    sent2xxIncludingWarmup: warm["2xx"] + sum(rs.map((r) => r["2xx"])),
    failedIncludingWarmup: warm.errors + warm.non2xx + sum(rs.map((r) => r.errors + r.non2xx)),
  };
  log(
    `${p.target}: ${m.requestsPerSecond.toFixed(0)} req/s, p50 ${m.latencyP50Ms} ms, p99 ${m.latencyP99Ms} ms, ` +
      `errors ${m.errors}, non-2xx ${m.non2xx}, server CPU ${m.serverCpuMsPerRequest.toFixed(2)} ms/request ` +
      `(${(m.serverCpuUtilization * 100).toFixed(0)}% of a core), RSS ${m.rssMb.start}→${m.rssMb.end} MB (max ${m.rssMb.max})`,
  );
  if (m.non2xx > 0) log(`${p.target}: status codes ${JSON.stringify(statusCodes)}; server output tail:\n${p.server.output().slice(-3000)}`);
  return m;
}

function emptyMeasurement(target: TargetName, reason: string): Measurement {
  return {
    target, ok: false, skipped: reason, requestsPerSecond: 0, latencyP50Ms: 0, latencyP99Ms: 0, latencyMeanMs: 0,
    latencyPercentilesMs: { p90: 0, p97_5: 0, p99_9: 0, max: 0 },
    requestsTotal: 0, responses2xx: 0, errors: 0, timeouts: 0, non2xx: 0, statusCodes: {}, responseBytes: 0, durationSeconds: 0,
    completedPerSecond: [], secondHalfRequestsPerSecond: 0, roundRequestsPerSecond: [], serverCpuMsPerRequest: 0,
    serverCpuUtilization: 0, rssMb: { start: 0, end: 0, max: 0, samples: [] },
  };
}

/** The empty app, loaded at /api/empty and, as a second target on the same server, at the heartbeat's path. */
async function prepareEmpty(): Promise<Prepared[]> {
  const server = await startServer("empty", ROOT, ["scripts/bench/empty-next-app"], {}, "/api/empty", "POST");
  const headers = { "content-type": "application/json", authorization: `Bearer ${ADMIN_KEY}` };
  const load = (paths: string[]) => ({ url: server.url, method: "POST", headers, body: HEARTBEAT_BODY, paths });
  return [
    { target: "empty", server, load: load(["/api/empty"]), slices: [], finish: async () => ({}) },
    { target: "empty-route", server, load: load(serviceIds().map(heartbeatPath)), slices: [], finish: async () => (await server.stop(), {}) },
  ];
}

const serviceIds = () => Array.from({ length: SERVICES }, (_, i) => `bench-${String(i).padStart(5, "0")}`);
const heartbeatPath = (id: string) => `/api/services/${id}/heartbeat`;

async function prepareLaneSwap(provider: "sqlite" | "postgresql", appDir: string): Promise<Prepared> {
  const db = await createDatabase(provider);
  let server: Server | undefined;
  try {
    server = await startServer(provider, appDir, [], { DATABASE_URL: db.url, DATA_DIR: db.dataDir, LANESWAP_API_KEY: ADMIN_KEY }, "/api/health");
    const headers = { "content-type": "application/json", authorization: `Bearer ${ADMIN_KEY}` };
    const ids = serviceIds();
    log(`${provider}: registering ${SERVICES} services`);
    // A few at a time: quick, without being a load test of its own.
    for (let i = 0; i < ids.length; i += 10) {
      await Promise.all(
        ids.slice(i, i + 10).map(async (id) => {
          const res = await fetch(`${server!.url}/api/services`, {
            method: "POST",
            headers,
            body: JSON.stringify({ service_name: `Bench ${id}`, service_id: id }),
          });
          if (!res.ok) throw new Error(`registering ${id}: HTTP ${res.status} ${await res.text()}`);
        }),
      );
    }
    const paths = ids.map(heartbeatPath);
    const load = { ...headers, ...(opts.minimal ? { prefer: "return=minimal" } : {}) };
    const running = server;
    const finish = async () => {
      try {
        await running.stop();
        return { recordedHeartbeats: await recordedHeartbeats(provider, db.url) };
      } finally {
        await db.drop();
      }
    };
    return { target: provider, server, load: { url: server.url, method: "POST", headers: load, body: HEARTBEAT_BODY, paths }, slices: [], finish };
  } catch (error) {
    await server?.stop();
    await db.drop();
    throw error;
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Report

function machine() {
  const cpus = os.cpus();
  return {
    cpuModel: cpus[0]?.model ?? "unknown",
    cores: cpus.length,
    totalMemoryGb: Math.round((os.totalmem() / 1024 ** 3) * 10) / 10,
    node: process.version,
    platform: `${os.type()} ${os.release()} ${os.arch()}`,
  };
}

function flatMemory(m: Measurement): boolean {
  const growth = m.rssMb.end - m.rssMb.start;
  return growth <= Math.max(32, m.rssMb.start * 0.1);
}

function table(rows: string[][]): string {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  const line = (r: string[]) => "| " + r.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join(" | ") + " |";
  const sep = "|" + widths.map((w, i) => (i === 0 ? "-".repeat(w + 1) + "-" : "-".repeat(w + 1) + ":")).join("|") + "|";
  return [line(rows[0]), sep, ...rows.slice(1).map(line)].join("\n");
}

async function main(): Promise<number> {
  process.chdir(ROOT);
  const startedAt = new Date();
  ensureBuilds();
  const main = TARGETS.some((t) => t !== "empty") ? await snapshotMainBuild() : null;
  if (main) {
    const sources = Math.max(newestMtime(path.join(ROOT, "app")), newestMtime(path.join(ROOT, "lib")));
    log(`LaneSwap build ${main.buildId} (built ${main.builtAt}) copied to ${main.dir}`);
    if (sources > Date.parse(main.builtAt)) log("note: some files in app/ or lib/ are newer than that build; pass --build to rebuild");
  }

  const prepared: Prepared[] = [];
  const skipped: Measurement[] = [];
  for (const target of TARGETS) {
    try {
      log(`${target}: starting`);
      prepared.push(...(target === "empty" ? await prepareEmpty() : [await prepareLaneSwap(target, main!.dir)]));
    } catch (error) {
      log(`${target}: failed: ${(error as Error).message}`);
      skipped.push(emptyMeasurement(target, (error as Error).message.split("\n")[0]));
    }
  }
  const backgroundLoad1m = Math.round(os.loadavg()[0] * 100) / 100;
  log(`1-min load average before the warm-ups: ${backgroundLoad1m}`);
  for (const p of prepared) {
    log(`${p.target}: warm-up ${WARMUP} s`);
    p.warm = await fire(p.load, WARMUP);
  }
  log(`measuring ${ROUNDS} rounds of ${SLICE} s per target, ${CONNECTIONS} connections`);
  for (let round = 1; round <= ROUNDS; round++) {
    for (const p of prepared) await slice(p);
    log(`round ${round}/${ROUNDS}: ${prepared.map((p) => `${p.target} ${sliceRate(p.slices.at(-1)!).toFixed(0)} req/s`).join(", ")}`);
  }
  const results: Measurement[] = [...skipped];
  for (const p of prepared) {
    const m = summarise(p);
    results.push({ ...m, ...(await p.finish()), backgroundLoad1m });
  }
  const order: TargetName[] = ["empty", "empty-route", "sqlite", "postgresql"];
  results.sort((a, b) => order.indexOf(a.target) - order.indexOf(b.target));

  const by = (t: TargetName) => results.find((r) => r.target === t && !r.skipped);
  /** sqlite and postgresql against one of the empty handlers. */
  const against = (baseline: Measurement | undefined) => {
    const each = <T>(f: (r: Measurement, b: Measurement) => T | null) => ({
      sqlite: baseline && by("sqlite") ? f(by("sqlite")!, baseline) : null,
      postgresql: baseline && by("postgresql") ? f(by("postgresql")!, baseline) : null,
    });
    return {
      requestsPerSecond: each((r, b) => (b.requestsPerSecond > 0 ? r.requestsPerSecond / b.requestsPerSecond : null)),
      laterHalf: each((r, b) => (b.secondHalfRequestsPerSecond > 0 ? r.secondHalfRequestsPerSecond / b.secondHalfRequestsPerSecond : null)),
      // Each round's slice against the baseline's slice of the same round: the spread of the comparison.
      perRound: each((r, b) => {
        const rounds = r.roundRequestsPerSecond.map((rate, i) => rate / b.roundRequestsPerSecond[i]);
        return { min: Math.min(...rounds), median: median(rounds), max: Math.max(...rounds), rounds };
      }),
      // The same comparison by the server's own CPU time per request (the baseline's over the target's).
      byServerCpu: each((r, b) => (r.serverCpuMsPerRequest > 0 ? b.serverCpuMsPerRequest / r.serverCpuMsPerRequest : null)),
    };
  };
  const ratios = { toEmpty: against(by("empty")), toEmptyAtHeartbeatRoute: against(by("empty-route")) };

  type Check = { name: string; pass: boolean; detail: string };
  const checks: Check[] = [];
  if (TARGETS.includes("sqlite") && TARGETS.includes("empty")) {
    // Our own work on top of the framework's, route for route: against the empty handler at the same dynamic path.
    // The ratio to /api/empty is printed beside it.
    const measured = ratios.toEmptyAtHeartbeatRoute.requestsPerSecond.sqlite;
    const literal = ratios.toEmpty.requestsPerSecond.sqlite;
    checks.push({
      name: `sqlite >= ${SQLITE_MIN_RATIO}x the empty handler at the heartbeat's route (requests/s)`,
      pass: measured !== null && measured >= SQLITE_MIN_RATIO,
      detail: measured === null ? "not measured" : `${measured.toFixed(2)}x (${literal?.toFixed(2)}x /api/empty)`,
    });
  }
  for (const r of results) {
    const bad = r.errors + r.non2xx;
    checks.push({
      name: `${r.target}: zero errors`,
      pass: !r.skipped && bad === 0,
      detail: r.skipped ? `not measured: ${r.skipped}` : `${r.errors} errors (${r.timeouts} timeouts), ${r.non2xx} non-2xx`,
    });
  }
  for (const r of results) {
    if (r.recordedHeartbeats === undefined || r.sent2xxIncludingWarmup === undefined) continue;
    // Requests still in flight when autocannon stops (at most one per connection per run: the warm-up and each
    // round) and requests it gave up on (timeouts) may be recorded without being counted as answered.
    const diff = r.recordedHeartbeats - r.sent2xxIncludingWarmup;
    checks.push({
      name: `${r.target}: every answered heartbeat recorded`,
      pass: diff >= 0 && diff <= (ROUNDS + 1) * CONNECTIONS + (r.failedIncludingWarmup ?? 0),
      detail: `${r.recordedHeartbeats} recorded, ${r.sent2xxIncludingWarmup} answered 2xx (incl. warm-up)`,
    });
  }
  const memory = results
    .filter((r) => !r.skipped)
    .map((r) => ({ target: r.target, flat: flatMemory(r), growthMb: Math.round((r.rssMb.end - r.rssMb.start) * 10) / 10 }));

  const report = {
    benchmark: "heartbeat-ingest",
    command: `npx tsx scripts/bench/ingest.ts${process.argv.slice(2).length ? " " + process.argv.slice(2).join(" ") : ""}`,
    date: startedAt.toISOString(),
    machine: machine(),
    settings: {
      durationSeconds: DURATION,
      rounds: ROUNDS,
      sliceSeconds: SLICE,
      warmupSeconds: WARMUP,
      connections: CONNECTIONS,
      services: SERVICES,
      body: HEARTBEAT_BODY,
      response: opts.minimal ? "minimal (Prefer: return=minimal)" : "full (with the newest 100 events)",
    },
    laneswapBuild: main ? { buildId: main.buildId, builtAt: main.builtAt } : null,
    results,
    ratios,
    checks,
    memory,
    pass: checks.every((c) => c.pass),
  };

  if (JSON_OUT) {
    process.stdout.write(JSON.stringify(report, null, 2) + "\n");
  } else {
    const mc = report.machine;
    const fmt = (n: number, d = 0) => n.toFixed(d);
    const x = (ratio: number | null) => (ratio === null ? "n/a" : `${ratio.toFixed(2)}x`);
    const spread = (p: { min: number; median: number; max: number } | null) => (p ? `${x(p.min)} / ${x(p.median)} / ${x(p.max)}` : "n/a");
    const rows = [
      ["target", "req/s (mean)", "req/s (2nd half)", "p50 ms", "p99 ms", "requests", "errors", "non-2xx", "bytes/resp", "server CPU ms/req", "server CPU %", "RSS start MB", "RSS end MB", "RSS max MB", "load before"],
      ...results.map((r) =>
        r.skipped
          ? [r.target, "skipped", "", "", "", "", "", "", "", "", "", "", "", "", ""]
          : [r.target, fmt(r.requestsPerSecond), fmt(r.secondHalfRequestsPerSecond), fmt(r.latencyP50Ms), fmt(r.latencyP99Ms), String(r.requestsTotal), String(r.errors), String(r.non2xx), String(r.responseBytes), fmt(r.serverCpuMsPerRequest, 2), fmt(r.serverCpuUtilization * 100), fmt(r.rssMb.start), fmt(r.rssMb.end), fmt(r.rssMb.max), fmt(r.backgroundLoad1m ?? 0, 2)],
      ),
    ];
    const lines = [
      "",
      `Heartbeat ingest — ${report.date}`,
      `Machine: ${mc.cpuModel}, ${mc.cores} cores, ${mc.totalMemoryGb} GB RAM, Node ${mc.node}, ${mc.platform}`,
      `Load: autocannon, ${CONNECTIONS} connections, ${WARMUP} s warm-up, then ${ROUNDS} rounds of ${SLICE} s per target (targets in turn), ${SERVICES} services in rotation, loopback (load generator on the same machine); heartbeat answers: ${report.settings.response}`,
      "",
      table(rows),
      "",
      ...([["/api/empty", ratios.toEmpty], ["the empty handler at the heartbeat's route", ratios.toEmptyAtHeartbeatRoute]] as const).flatMap(([name, r]) => [
        `Against ${name}:`,
        `  requests/s: sqlite ${x(r.requestsPerSecond.sqlite)}, postgresql ${x(r.requestsPerSecond.postgresql)}` +
          `; later half of the rounds: sqlite ${x(r.laterHalf.sqlite)}, postgresql ${x(r.laterHalf.postgresql)}`,
        `  per round (min / median / max): sqlite ${spread(r.perRound.sqlite)}, postgresql ${spread(r.perRound.postgresql)}`,
        `  server CPU per request (baseline/target): sqlite ${x(r.byServerCpu.sqlite)}, postgresql ${x(r.byServerCpu.postgresql)}`,
      ]),
      `Memory (RSS end - start): ${memory.map((m) => `${m.target} ${m.growthMb >= 0 ? "+" : ""}${m.growthMb} MB (${m.flat ? "flat" : "rising"})`).join(", ")}`,
      ...(memory.some((m) => !m.flat)
        ? ["  (RSS rising over a short run is usually V8 growing its heap lazily; to tell that from a leak, run with",
           "   --node-arg=--max-old-space-size=160: a leak then fails or slows the run, a lazy heap stays flat)"]
        : []),
      "",
      ...checks.map((c) => `${c.pass ? "PASS" : "FAIL"}  ${c.name}: ${c.detail}`),
      "",
    ];
    process.stdout.write(lines.join("\n") + "\n");
  }
  return report.pass ? 0 : 1;
}

main()
  .then(async (code) => {
    await cleanup();
    clearTimeout(watchdog);
    process.exit(code);
  })
  .catch((error) => abort(`failed: ${(error as Error).stack ?? error}`, 1));
