import { afterAll, beforeAll } from "vitest";
import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { freePort } from "../helpers/free-port";

export { freePort };

// Real servers on real databases for the integration tests: a fresh SQLite file, or a fresh database on the
// PostgreSQL server at 127.0.0.1:5432, created for the run and dropped after it.

export type Provider = "sqlite" | "postgresql";
export const PROVIDERS: Provider[] = ["sqlite", "postgresql"];
export const PG_ADMIN_URL = process.env.LANESWAP_TEST_PG_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres";
export const ADMIN_KEY = "test-admin-key-" + randomBytes(8).toString("hex");

export type TestDatabase = { provider: Provider; url: string; dataDir: string; drop(): Promise<void> };

export async function createDatabase(provider: Provider): Promise<TestDatabase> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "laneswap-test-"));
  if (provider === "sqlite") {
    return {
      provider,
      url: `file:${path.join(dataDir, "laneswap.db")}`,
      dataDir,
      drop: async () => fs.rmSync(dataDir, { recursive: true, force: true }),
    };
  }
  const name = `laneswap_test_${process.pid}_${randomBytes(4).toString("hex")}`;
  await adminQuery(`CREATE DATABASE ${name}`);
  return {
    provider,
    url: PG_ADMIN_URL.replace(/\/[^/]*$/, `/${name}`),
    dataDir,
    drop: async () => {
      await adminQuery(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

async function adminQuery(sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: PG_ADMIN_URL });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}


export type TestServer = {
  url: string;
  port: number;
  db: TestDatabase;
  output: () => string;
  /** fetch against the server with the admin key unless `key` says otherwise (null: no credential). */
  api: (pathname: string, init?: RequestInit & { key?: string | null; json?: unknown }) => Promise<Response>;
  stop: () => Promise<void>;
  kill: () => Promise<void>;
  restart: () => Promise<void>;
};

/** Spawns `next start` on the port against the database, as users run it, with `env` on top; output piped. */
export function spawnServer(db: TestDatabase, port: number, env: Record<string, string> = {}) {
  return spawn(process.execPath, ["node_modules/next/dist/bin/next", "start", "-p", String(port), "-H", "127.0.0.1"], {
    env: {
      ...process.env,
      NEXT_TELEMETRY_DISABLED: "1",
      DATABASE_URL: db.url,
      DATA_DIR: db.dataDir,
      LANESWAP_API_KEY: ADMIN_KEY,
      PORT: String(port),
      ...env,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
}

/** Starts `next start` on a free port against the database, waiting until /api/health answers. */
export async function startServer(db: TestDatabase, env: Record<string, string> = {}): Promise<TestServer> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  let child: ChildProcess;
  let log = "";
  const launch = async () => {
    child = spawnServer(db, port, env);
    child.stdout!.on("data", (d) => (log += d));
    child.stderr!.on("data", (d) => (log += d));
    await waitForHealth(url, () => child.exitCode !== null, () => log);
  };
  const exited = () =>
    new Promise<void>((resolve) => (child.exitCode !== null || child.signalCode ? resolve() : child.once("exit", () => resolve())));
  await launch();
  return {
    url,
    port,
    db,
    output: () => log,
    api: (pathname, init = {}) => {
      const { key = ADMIN_KEY, json, ...rest } = init;
      const headers = new Headers(rest.headers);
      if (key !== null && !headers.has("authorization") && !headers.has("x-api-key")) headers.set("authorization", `Bearer ${key}`);
      if (json !== undefined) headers.set("content-type", "application/json");
      return fetch(url + pathname, { ...rest, headers, body: json !== undefined ? JSON.stringify(json) : rest.body });
    },
    stop: async () => {
      // `next start` may wait for kept-alive connections before it exits on SIGTERM; give it 10 s, then kill it.
      child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), 10_000);
      await exited();
      clearTimeout(timer);
    },
    kill: async () => {
      child.kill("SIGKILL");
      await exited();
    },
    restart: async () => {
      await launch();
    },
  };
}

async function waitForHealth(url: string, died: () => boolean, log: () => string): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (died()) throw new Error(`server exited during start-up:\n${log()}`);
    try {
      const res = await fetch(`${url}/api/health`);
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`server did not become healthy in 60 s:\n${log()}`);
}

/** One server per provider for a test file: `const servers = serversFor(PROVIDERS)` then `servers.get("sqlite")`. */
export async function startServers(providers: Provider[], env: Record<string, string> = {}) {
  const servers = new Map<Provider, TestServer>();
  await Promise.all(
    providers.map(async (p) => {
      const db = await createDatabase(p);
      servers.set(p, await startServer(db, env));
    }),
  );
  return {
    get: (p: Provider) => servers.get(p)!,
    stopAll: async () => {
      await Promise.all([...servers.values()].map(async (s) => {
        await s.stop();
        await s.db.drop();
      }));
    },
  };
}

let counter = 0;
/** A service id unique within the run. */
export function uniqueId(prefix = "svc"): string {
  return `${prefix}-${process.pid}-${Date.now().toString(36)}-${counter++}`;
}

/**
 * Servers a test file needs, one per setup (extra environment) and provider, all started together before the
 * file's tests and stopped (databases dropped) after them. Returns the lookup `server(setup, provider)`.
 */
export function serverFleet<S extends string>(setups: Record<S, Record<string, string>>) {
  const started: TestServer[] = [];
  const fleet = new Map<string, TestServer>();
  beforeAll(async () => {
    const jobs = (Object.keys(setups) as S[]).flatMap((setup) =>
      PROVIDERS.map(async (provider) => {
        const db = await createDatabase(provider);
        try {
          const s = await startServer(db, setups[setup]);
          started.push(s);
          fleet.set(`${setup}/${provider}`, s);
        } catch (error) {
          await db.drop();
          throw error;
        }
      }),
    );
    const failed = (await Promise.allSettled(jobs)).find((r) => r.status === "rejected");
    if (failed) throw (failed as PromiseRejectedResult).reason;
  });
  afterAll(async () => {
    await Promise.all(
      started.map(async (s) => {
        await s.stop();
        await s.db.drop();
      }),
    );
  });
  return (setup: S, provider: Provider) => fleet.get(`${setup}/${provider}`)!;
}
