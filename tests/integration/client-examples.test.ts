import { execFile } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ADMIN_KEY, createDatabase, startServer, uniqueId, type TestDatabase, type TestServer } from "./harness";

// Each example under examples/ run as a user runs it (tsx), against a real server where it needs one.

const run = promisify(execFile);
let db: TestDatabase;
let server: TestServer;

beforeAll(async () => {
  db = await createDatabase("sqlite");
  server = await startServer(db);
});

afterAll(async () => {
  await server?.stop();
  await db?.drop();
});

async function example(file: string, env: Record<string, string>): Promise<{ code: number; stdout: string; stderr: string }> {
  const result = await run(process.execPath, ["--import", "tsx", path.join("examples", file)], {
    env: { ...process.env, API_URL: server.url, LANESWAP_API_KEY: ADMIN_KEY, ...env },
    timeout: 60_000,
  }).then(
    ({ stdout, stderr }) => ({ code: 0, stdout, stderr }),
    (error: { code: number; stdout: string; stderr: string }) => ({ code: error.code, stdout: error.stdout, stderr: error.stderr }),
  );
  return result;
}

async function serviceOf(id: string) {
  const res = await server.api(`/api/services/${id}`);
  expect(res.status).toBe(200);
  return (await res.json()) as { name: string; status: string; message: string; metadata: Record<string, unknown>; events: { type: string; status: string; message: string }[] };
}

describe("examples", () => {
  it("simple-service.ts registers and sends BEATS heartbeats on its interval", async () => {
    const serviceId = uniqueId("simple");
    const { code, stdout, stderr } = await example("simple-service.ts", { SERVICE_ID: serviceId, HEARTBEAT_INTERVAL: "0.1", BEATS: "3" });
    expect(stderr).toBe("");
    expect(code).toBe(0);
    expect(stdout).toContain(`Registered ${serviceId}; monitor it at ${server.url}/?service=${serviceId}`);
    expect(stdout).toMatch(/beat 3: (healthy|warning) \(beat 3: load \d+%\)/);
    expect(stdout.trim().endsWith("stopped")).toBe(true);
    const service = await serviceOf(serviceId);
    expect(service).toMatchObject({ name: "Simple Service", metadata: { version: "1.0.0", beat: 3 } });
    expect(service.events.filter((e) => e.type === "heartbeat")).toHaveLength(3);
  });

  it("simple-service.ts keeps running, and says so, when LaneSwap is unreachable", async () => {
    const { code, stdout, stderr } = await example("simple-service.ts", { API_URL: "http://127.0.0.1:9", BEATS: "2", HEARTBEAT_INTERVAL: "0.1" });
    expect(code).toBe(0);
    expect(stderr).toMatch(/^LaneSwap unavailable, running without it: LaneSwap is unreachable at http:\/\/127\.0\.0\.1:9/);
    expect(stderr).toMatch(/beat 1 not delivered: .*unreachable/);
    expect(stderr).toMatch(/beat 2 not delivered/);
    expect(stdout.trim()).toBe("stopped");
  });

  it("cron-job.ts reports busy, then healthy with the execution time", async () => {
    const serviceId = uniqueId("cron");
    const { code, stdout } = await example("cron-job.ts", { SERVICE_ID: serviceId });
    expect(code).toBe(0);
    expect(stdout).toMatch(/report done: \{"day":"\d{4}-\d{2}-\d{2}","rows":1234\}/);
    const service = await serviceOf(serviceId);
    expect(service).toMatchObject({ name: "Nightly report", status: "healthy", message: "Operation completed: buildReport" });
    expect(service.metadata.execution_time).toBeGreaterThanOrEqual(0.2);
    expect(service.events.filter((e) => e.type === "heartbeat").map((e) => e.status)).toEqual(["busy", "healthy"]);
  });

  it("cron-job.ts with FAIL=1 reports the error and exits 1", async () => {
    const serviceId = uniqueId("cron-fail");
    const { code, stderr } = await example("cron-job.ts", { SERVICE_ID: serviceId, FAIL: "1" });
    expect(code).toBe(1);
    expect(stderr).toMatch(/report failed: no data for \d{4}-\d{2}-\d{2}/);
    const service = await serviceOf(serviceId);
    expect(service.status).toBe("error");
    expect(service.message).toMatch(/^Operation failed: buildReport - no data for \d{4}-\d{2}-\d{2}$/);
  });

  for (const storage of ["memory", "sqlite"] as const) {
    it(`in-process.ts, the quick start (${storage}), notifies the changes and the stale service`, async () => {
      const env: Record<string, string> = { STALE_THRESHOLD: "1" };
      if (storage === "sqlite") env.SQLITE_PATH = path.join(db.dataDir, "in-process", "laneswap.db");
      const { code, stdout } = await example("in-process.ts", env);
      expect(code).toBe(0);
      expect(stdout.trim().split("\n")).toEqual([
        "[warning] Service Status Change: my-api-service: Status changed from unknown to warning: Warming up",
        "[success] Service Status Change: my-api-service: Status changed from warning to healthy: Service is running normally",
        "[info] Service Status Change: my-api-service: Status changed from healthy to busy: Starting operation: processData",
        "[info] Service Status Change: my-api-service: Status changed from busy to healthy: Operation completed: processData",
        'processData → {"processed":true}',
        "waiting 1 s without heartbeats…",
        "[warning] Service Stale: my-api-service: No heartbeat received in 1 seconds",
        "final status: stale",
      ]);
      if (storage === "sqlite") expect(fs.existsSync(env.SQLITE_PATH)).toBe(true);
    });
  }
});
