import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { configure, LaneSwapClient, LaneSwapError, withHeartbeat, type ServiceEvent } from "../../lib/client/index.js";
import { ADMIN_KEY, createDatabase, startServer, uniqueId, type TestDatabase, type TestServer } from "./harness";

// withHeartbeat and the @heartbeat decorator against the real server: the statuses and messages the events
// endpoint records, the execution_time metadata, and the original error rethrown.

let db: TestDatabase;
let server: TestServer;
const run = promisify(execFile);

beforeAll(async () => {
  db = await createDatabase("sqlite");
  server = await startServer(db);
});

afterAll(async () => {
  await server?.stop();
  await db?.drop();
});

async function registered(name: string): Promise<string> {
  const serviceId = uniqueId(name);
  const res = await server.api("/api/services", { method: "POST", json: { service_name: name, service_id: serviceId } });
  expect(res.status).toBe(200);
  return serviceId;
}

/** The service's events, oldest first, as [type, status, message]. */
async function history(serviceId: string): Promise<[string, string, string | null][]> {
  const res = await server.api(`/api/services/${serviceId}/events?limit=100`);
  const { events } = (await res.json()) as { events: ServiceEvent[] };
  return events.reverse().map((e) => [e.type, e.status, e.message]);
}

async function service(serviceId: string) {
  return (await (await server.api(`/api/services/${serviceId}`)).json()) as { status: string; message: string; metadata: Record<string, unknown> };
}

describe("withHeartbeat against a real server", () => {
  it("async: busy, then the success status with execution_time", async () => {
    const serviceId = await registered("batch");
    const client = new LaneSwapClient({ apiUrl: server.url, apiKey: ADMIN_KEY, autoHeartbeat: false });
    const processBatch = client.withHeartbeat(
      async function processBatch(batchId: number) {
        await new Promise((r) => setTimeout(r, 250));
        return { batchId, processed: true };
      },
      { serviceId },
    );
    await expect(processBatch(7)).resolves.toEqual({ batchId: 7, processed: true });
    expect(await history(serviceId)).toEqual([
      ["heartbeat", "busy", "Starting operation: processBatch"],
      ["flip", "busy", "Starting operation: processBatch"],
      ["heartbeat", "healthy", "Operation completed: processBatch"],
      ["flip", "healthy", "Operation completed: processBatch"],
    ]);
    const after = await service(serviceId);
    expect(after.status).toBe("healthy");
    expect(after.metadata.execution_time).toBeGreaterThanOrEqual(0.25);
    expect(after.metadata.execution_time).toBeLessThan(10);
  });

  it("a throw: the error status with the message, and the very same error rethrown", async () => {
    const serviceId = await registered("failing");
    configure({ apiUrl: server.url, apiKey: ADMIN_KEY });
    class QuotaError extends Error {
      quota = 100;
    }
    const original = new QuotaError("quota exceeded");
    const job = withHeartbeat(
      async function syncInvoices() {
        throw original;
      },
      { serviceId, errorStatus: "degraded" },
    );
    const caught = await job().catch((e: unknown) => e);
    expect(caught).toBe(original);
    expect((caught as QuotaError).quota).toBe(100);
    expect(await history(serviceId)).toEqual([
      ["heartbeat", "busy", "Starting operation: syncInvoices"],
      ["flip", "busy", "Starting operation: syncInvoices"],
      ["heartbeat", "degraded", "Operation failed: syncInvoices - quota exceeded"],
      ["flip", "degraded", "Operation failed: syncInvoices - quota exceeded"],
    ]);
    expect(typeof (await service(serviceId)).metadata.execution_time).toBe("number");
  });

  it("sync functions stay synchronous; their heartbeats arrive in order", async () => {
    const serviceId = await registered("sync");
    const client = new LaneSwapClient({ apiUrl: server.url, apiKey: ADMIN_KEY, autoHeartbeat: false });
    const parse = client.withHeartbeat(function parseConfig(text: string) {
      return JSON.parse(text) as unknown;
    }, { serviceId });
    expect(parse('{"a":1}')).toEqual({ a: 1 });
    await client.flush();
    const bad = new SyntaxError("x");
    let thrown: unknown;
    try {
      client.withHeartbeat(function parseOther(): never {
        throw bad;
      }, { serviceId })();
    } catch (e) {
      thrown = e;
    }
    expect(thrown).toBe(bad);
    await client.close();
    expect((await history(serviceId)).filter(([type]) => type === "heartbeat")).toEqual([
      ["heartbeat", "busy", "Starting operation: parseConfig"],
      ["heartbeat", "healthy", "Operation completed: parseConfig"],
      ["heartbeat", "busy", "Starting operation: parseOther"],
      ["heartbeat", "error", "Operation failed: parseOther - x"],
    ]);
  });

  it("LaneSwap unreachable: the function's result and errors are untouched, failures go to onError", async () => {
    const errors: LaneSwapError[] = [];
    const client = new LaneSwapClient({ apiUrl: "http://127.0.0.1:9", retry: false, onError: (e) => errors.push(e) });
    const ok = client.withHeartbeat(async () => "fine", { serviceId: "x", name: "ok" });
    await expect(ok()).resolves.toBe("fine");
    const original = new Error("mine");
    const failing = client.withHeartbeat(async () => {
      throw original;
    }, { serviceId: "x", name: "failing" });
    await expect(failing()).rejects.toBe(original);
    expect(errors.map((e) => e.code)).toEqual(["network_error", "network_error", "network_error", "network_error"]);
  });

  it("the @heartbeat decorator (standard decorators, compiled by tsx)", async () => {
    const serviceId = await registered("decorated");
    const { stdout } = await run(process.execPath, ["--import", "tsx", "tests/integration/client-decorator-run.ts"], {
      env: { ...process.env, API_URL: server.url, LANESWAP_API_KEY: ADMIN_KEY, SERVICE_ID: serviceId },
      timeout: 60_000,
    });
    expect(JSON.parse(stdout.trim().split("\n").at(-1)!)).toEqual({ imported: 42, counted: 43, same: true });
    expect((await history(serviceId)).filter(([type]) => type === "heartbeat")).toEqual([
      ["heartbeat", "busy", "Starting operation: importAll"],
      ["heartbeat", "healthy", "Operation completed: importAll"],
      ["heartbeat", "busy", "Starting operation: countRows"],
      ["heartbeat", "degraded", "Operation completed: countRows"],
      ["heartbeat", "busy", "Starting operation: broken"],
      ["heartbeat", "warning", "Operation failed: broken - feed unavailable"],
    ]);
    expect((await service(serviceId)).metadata.execution_time).toEqual(expect.any(Number));
  });
});
