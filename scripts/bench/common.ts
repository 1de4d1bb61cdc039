// What the benchmarks under scripts/bench share: argument checks, progress on stderr, a clean-up registry that runs
// on success, failure, Ctrl-C and a watchdog alike, fresh databases and free ports.

import { randomBytes } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { freePort } from "../../tests/helpers/free-port";

export { freePort };

export const log = (...args: unknown[]) => console.error("[bench]", ...args);
export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** An option that must be an integer from 1 to max; exits with code 2 and says which option otherwise. */
export function positiveInt(name: string, raw: string, max: number): number {
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1 || n > max) {
    console.error(`--${name} must be an integer from 1 to ${max} (got ${raw})`);
    process.exit(2);
  }
  return n;
}

const cleanups: (() => Promise<void>)[] = [];
const beforeCleanup: (() => void)[] = [];
let cleaningUp: Promise<void> | null = null;

/** Registers how to remove something this run made; steps run newest first. */
export function onCleanup(step: () => Promise<void>): void {
  cleanups.push(step);
}

/** Runs first when clean-up starts (stopping load generators, say). */
export function onCleanupStart(step: () => void): void {
  beforeCleanup.push(step);
}

export function cleanupStarted(): boolean {
  return cleaningUp !== null;
}

/** Runs every registered step once, however often it is called. */
export function cleanup(): Promise<void> {
  cleaningUp ??= (async () => {
    for (const step of beforeCleanup) step();
    while (cleanups.length) {
      const step = cleanups.pop()!;
      await step().catch((e) => log("clean-up step failed:", (e as Error).message));
    }
  })();
  return cleaningUp;
}

export async function abort(reason: string, code: number): Promise<never> {
  log(reason);
  await cleanup();
  process.exit(code);
}

/** Cleans up on Ctrl-C, SIGTERM and crashes, and aborts the run after budgetMs; returns the watchdog timer. */
export function guardRun(budgetMs: number): NodeJS.Timeout {
  process.on("SIGINT", () => void abort("interrupted; cleaning up", 130));
  process.on("SIGTERM", () => void abort("terminated; cleaning up", 143));
  process.on("uncaughtException", (e) => void abort(`uncaught: ${e.stack ?? e}`, 1));
  process.on("unhandledRejection", (e) => void abort(`unhandled rejection: ${(e as Error)?.stack ?? e}`, 1));
  return setTimeout(() => void abort(`run exceeded its ${Math.round(budgetMs / 1000)} s budget; aborting`, 1), budgetMs);
}

/** A query on the PostgreSQL server as its administrator (creating and dropping the benchmark's databases). */
export async function adminQuery<T extends pg.QueryResultRow = pg.QueryResultRow>(adminUrl: string, sql: string): Promise<T[]> {
  const client = new pg.Client({ connectionString: adminUrl, connectionTimeoutMillis: 5_000 });
  await client.connect();
  try {
    return (await client.query<T>(sql)).rows;
  } finally {
    await client.end();
  }
}

export type BenchDb = { provider: "sqlite" | "postgresql"; url: string; dataDir: string; drop(): Promise<void> };

/** Told when something is made that must not outlive the run, and when it is gone again. */
export type Leftover = (kind: "dir" | "database", value: string, present: boolean) => void;

/**
 * A fresh data folder (with a SQLite file in it) or a fresh PostgreSQL database beside one, both removed by
 * clean-up or by `drop()`, whichever comes first.
 */
export async function createBenchDatabase(
  provider: "sqlite" | "postgresql",
  { adminUrl, prefix, leftover = () => {} }: { adminUrl: string; prefix: string; leftover?: Leftover },
): Promise<BenchDb> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), `${prefix.replace(/_/g, "-")}-`));
  leftover("dir", dataDir, true);
  let removedDir = false;
  const rmDir = async () => {
    if (removedDir) return;
    removedDir = true;
    fs.rmSync(dataDir, { recursive: true, force: true });
    leftover("dir", dataDir, false);
  };
  onCleanup(rmDir);
  if (provider === "sqlite") return { provider, url: `file:${path.join(dataDir, "laneswap.db")}`, dataDir, drop: rmDir };
  const name = `${prefix}_${process.pid}_${randomBytes(4).toString("hex")}`;
  leftover("database", name, true);
  await adminQuery(adminUrl, `CREATE DATABASE ${name}`);
  let dropped = false;
  const drop = async () => {
    if (dropped) return;
    dropped = true;
    await adminQuery(adminUrl, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    leftover("database", name, false);
  };
  onCleanup(drop);
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    provider,
    url: url.toString(),
    dataDir,
    drop: async () => {
      await drop();
      await rmDir();
    },
  };
}
