import { spawn, type ChildProcess } from "node:child_process";
import { afterAll, describe, expect, it } from "vitest";
import { createDatabase, freePort, type TestDatabase } from "./harness";
import { cleanEnv, runCli } from "./cli-run";

// The commands that run LaneSwap on this machine: server (web + worker), dashboard, worker, and
// monitor-link --start-if-needed starting a server in the background.

const databases: TestDatabase[] = [];
const pids: number[] = [];

afterAll(async () => {
  for (const pid of pids) {
    try {
      process.kill(pid, "SIGKILL");
    } catch {
      // already stopped
    }
  }
  await Promise.all(databases.map((db) => db.drop()));
});

async function freshDatabase(): Promise<TestDatabase> {
  const db = await createDatabase("sqlite");
  databases.push(db);
  return db;
}

function spawnCli(args: string[], env: Record<string, string>) {
  let output = "";
  const child = spawn(process.execPath, ["bin/laneswap.js", ...args], { env: cleanEnv(env), stdio: ["ignore", "pipe", "pipe"] });
  child.stdout!.on("data", (d) => (output += d));
  child.stderr!.on("data", (d) => (output += d));
  pids.push(child.pid!);
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  return { child, output: () => output, exited };
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function health(url: string): Promise<{ worker?: { status: string } } | null> {
  try {
    const res = await fetch(`${url}/api/health`, { signal: AbortSignal.timeout(2000) });
    return res.ok ? await res.json() : null;
  } catch {
    return null;
  }
}

async function waitFor<T>(probe: () => Promise<T | null | undefined | false>, what: string, log: () => string = () => "", timeoutMs = 150_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const value = await probe();
    if (value) return value;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`timed out waiting for ${what}\n${log()}`);
}

async function stop(child: ChildProcess, exited: Promise<number | null>): Promise<number | null> {
  child.kill("SIGTERM");
  return exited;
}

describe("laneswap server", () => {
  it("runs the web server and the worker on --port, and stops both on SIGTERM with exit 0", async () => {
    const db = await freshDatabase();
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    const run = spawnCli(["server", "--port", String(port)], { DATABASE_URL: db.url, DATA_DIR: db.dataDir, HOST: "127.0.0.1" });
    await waitFor(async () => (await health(url))?.worker?.status === "ok", "the server with a working worker", run.output);
    expect((await fetch(`${url}/api`)).status).toBe(200);
    expect(await stop(run.child, run.exited)).toBe(0);
    expect(await health(url)).toBeNull();
  }, 180_000);

  it("dashboard starts the server on --port when none answers at --api-url", async () => {
    const db = await freshDatabase();
    const [down, port] = [await freePort(), await freePort()];
    const run = spawnCli(["dashboard", "--port", String(port), "--api-url", `http://127.0.0.1:${down}`], { DATABASE_URL: db.url, DATA_DIR: db.dataDir, HOST: "127.0.0.1" });
    await waitFor(() => health(`http://127.0.0.1:${port}`), "the dashboard's server", run.output);
    expect(run.output()).toContain(`the dashboard will be at http://localhost:${port}/`);
    expect((await fetch(`http://127.0.0.1:${port}/`)).status).toBe(200);
    expect(await stop(run.child, run.exited)).toBe(0);
  }, 180_000);

  it("worker runs the monitor worker until SIGTERM", async () => {
    const db = await freshDatabase();
    const run = spawnCli(["worker"], { DATABASE_URL: db.url, DATA_DIR: db.dataDir });
    await waitFor(async () => run.output().includes("watching"), "the worker to start", run.output);
    expect(await stop(run.child, run.exited)).toBe(0);
    expect(run.output()).toContain("stopped");
  }, 120_000);

  it("monitor-link --start-if-needed starts a server in the background and prints the link", async () => {
    const db = await freshDatabase();
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    const env = { API_URL: url, DATABASE_URL: db.url, DATA_DIR: db.dataDir, HOST: "127.0.0.1" };
    const result = await runCli(["monitor-link", "--service-id", "billing-api", "--start-if-needed"], env, 200_000);
    const pid = Number(/pid (\d+)/.exec(result.stderr)?.[1]);
    if (pid) pids.push(pid);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toBe(`${url}/?service=billing-api\n`);
    expect(result.stderr).toContain("laneswap-server.log");
    // The server outlives the command, until it is stopped.
    expect(await health(url)).not.toBeNull();
    const again = await runCli(["start-monitor", "--json"], env);
    expect(JSON.parse(again.stdout)).toEqual({ url: `${url}/`, started: false });
    process.kill(pid, "SIGTERM");
    // Waiting on the process rather than polling the port: a poll could hold a keep-alive connection open.
    await waitFor(async () => !isRunning(pid), "the background server to stop");
    expect(await health(url)).toBeNull();
  }, 240_000);
});
