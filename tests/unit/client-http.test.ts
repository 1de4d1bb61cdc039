import { realpathSync } from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { LaneSwapClient, LaneSwapError } from "../../lib/client/index.js";
import { backoffDelayMs, resolveRetry } from "../../lib/client/http.js";
import { defaultStartCommand } from "../../lib/client/start-server.js";

// The client's HTTP behaviour against small local servers that misbehave on purpose (the real server is in
// tests/integration/client-*.test.ts).

type Handler = (req: http.IncomingMessage, res: http.ServerResponse, body: string) => void;
const servers: http.Server[] = [];

async function serve(handler: Handler): Promise<{ url: string; hits: () => number }> {
  let hits = 0;
  const server = http.createServer((req, res) => {
    hits += 1;
    let body = "";
    req.on("data", (d) => (body += d));
    req.on("end", () => handler(req, res, body));
  });
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, hits: () => hits };
}

afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise((r) => (s.closeAllConnections(), s.close(r)))));
});

const json = (res: http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
  res.writeHead(status, { "content-type": "application/json", ...headers });
  res.end(JSON.stringify(body));
};

describe("LaneSwapClient over HTTP", () => {
  it("sends the key and the JSON body the API expects", async () => {
    const seen: { method?: string; url?: string; auth?: string; type?: string; body: string }[] = [];
    const { url } = await serve((req, res, body) => {
      seen.push({ method: req.method, url: req.url, auth: req.headers.authorization, type: req.headers["content-type"], body });
      if (req.url === "/api/services") return json(res, 200, { service_id: "svc-1" });
      return json(res, 200, { id: "svc-1", status: "warning" });
    });
    const client = new LaneSwapClient({ apiUrl: `${url}/api/`, apiKey: "lsk_test", autoHeartbeat: false });
    expect(await client.registerService({ serviceName: "My Service", metadata: { version: "1.0.0" } })).toBe("svc-1");
    expect(client.serviceId).toBe("svc-1");
    await client.sendHeartbeat({ status: "warning", message: "disk 91%", metadata: { disk: 91 } });
    expect(seen).toEqual([
      { method: "POST", url: "/api/services", auth: "Bearer lsk_test", type: "application/json", body: JSON.stringify({ service_name: "My Service", metadata: { version: "1.0.0" } }) },
      { method: "POST", url: "/api/services/svc-1/heartbeat", auth: "Bearer lsk_test", type: "application/json", body: JSON.stringify({ status: "warning", message: "disk 91%", metadata: { disk: 91 } }) },
    ]);
  });

  it("turns the server's error shape into a LaneSwapError, without retrying a 4xx", async () => {
    const { url, hits } = await serve((_req, res) =>
      json(res, 422, {
        detail: "Invalid request: status: must be one of healthy, warning, degraded, error, busy",
        error: { code: "validation_failed", message: "Invalid request: …", fields: { status: "must be one of …" } },
      }),
    );
    const client = new LaneSwapClient({ apiUrl: url, serviceId: "s", autoHeartbeat: false });
    const error = await client.sendHeartbeat({ status: "bogus" as never }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LaneSwapError);
    expect(error).toMatchObject({
      name: "LaneSwapError",
      status: 422,
      code: "validation_failed",
      detail: "Invalid request: status: must be one of healthy, warning, degraded, error, busy",
      message: "Invalid request: status: must be one of healthy, warning, degraded, error, busy",
      fields: { status: "must be one of …" },
      retryable: false,
    });
    expect(hits()).toBe(1);
  });

  it("retries 5xx with backoff and succeeds when the server recovers", async () => {
    let n = 0;
    const { url, hits } = await serve((_req, res) => (++n < 3 ? res.writeHead(503).end("<html>busy</html>") : json(res, 200, { id: "s" })));
    const client = new LaneSwapClient({ apiUrl: url, serviceId: "s", retry: { retries: 2, minDelay: 0.01, maxDelay: 0.05 } });
    await expect(client.getService()).resolves.toEqual({ id: "s" });
    expect(hits()).toBe(3);
  });

  it("gives up after the retries with the last error (non-JSON bodies keep the HTTP status)", async () => {
    const { url, hits } = await serve((_req, res) => res.writeHead(502, "Bad Gateway").end("<html>nginx</html>"));
    const client = new LaneSwapClient({ apiUrl: url, serviceId: "s", retry: { retries: 1, minDelay: 0.01 } });
    await expect(client.getService()).rejects.toMatchObject({ status: 502, code: "http_502", detail: "HTTP 502 Bad Gateway", retryable: true });
    expect(hits()).toBe(2);
  });

  it("waits as long as a 429's Retry-After asks, within maxDelay", async () => {
    let n = 0;
    const { url } = await serve((_req, res) =>
      ++n === 1 ? json(res, 429, { detail: "slow down", error: { code: "rate_limited", message: "slow down" } }, { "retry-after": "0.3" }) : json(res, 200, { id: "s" }),
    );
    const client = new LaneSwapClient({ apiUrl: url, serviceId: "s", retry: { retries: 1, minDelay: 0.01, maxDelay: 1 } });
    const started = Date.now();
    await client.getService();
    expect(Date.now() - started).toBeGreaterThanOrEqual(280);
  });

  it("times out a server that never answers, on every attempt", async () => {
    const { url, hits } = await serve(() => {
      /* never answers */
    });
    const client = new LaneSwapClient({ apiUrl: url, serviceId: "s", timeout: 0.2, retry: { retries: 1, minDelay: 0.01, maxDelay: 0.01 } });
    const started = Date.now();
    const error = await client.getService().catch((e: unknown) => e);
    const took = Date.now() - started;
    expect(error).toMatchObject({ status: null, code: "timeout", retryable: true });
    expect((error as Error).message).toMatch(/did not answer within 0.2 s/);
    expect(hits()).toBe(2);
    expect(took).toBeGreaterThanOrEqual(380);
    expect(took).toBeLessThan(2000);
  });

  it("times out a body that never finishes, and close() cancels a stalled automatic heartbeat at once", async () => {
    const { url } = await serve((req, res, body) => {
      if (req.url === "/api/services") return json(res, 200, { service_id: JSON.parse(body).service_id });
      res.writeHead(200, { "content-type": "application/json" });
      res.write('{"id":'); // …and never the rest
    });
    const client = new LaneSwapClient({ apiUrl: url, serviceId: "s", timeout: 0.3, retry: false });
    const started = Date.now();
    await expect(client.getService()).rejects.toMatchObject({ code: "timeout" });
    expect(Date.now() - started).toBeLessThan(2000);

    const auto = new LaneSwapClient({ apiUrl: url, serviceName: "stalled", heartbeatInterval: 0.05, timeout: 30 });
    await auto.connect();
    await new Promise((r) => setTimeout(r, 100));
    const closing = Date.now();
    await auto.close();
    expect(Date.now() - closing).toBeLessThan(500);
  });

  it("reports a refused connection as network_error with what to check", async () => {
    const { url } = await serve(() => {});
    await new Promise((r) => (servers[0].closeAllConnections(), servers[0].close(r)));
    servers.length = 0;
    const client = new LaneSwapClient({ apiUrl: url, serviceId: "s", retry: false });
    await expect(client.getService()).rejects.toMatchObject({
      status: null,
      code: "network_error",
      message: expect.stringMatching(/unreachable at .*ECONNREFUSED.*is the server running/),
    });
  });

  it("rejects a 2xx answer that is not JSON", async () => {
    const { url } = await serve((_req, res) => res.writeHead(200, { "content-type": "text/html" }).end("<html>dashboard</html>"));
    const client = new LaneSwapClient({ apiUrl: url, serviceId: "s" });
    await expect(client.getService()).rejects.toMatchObject({ code: "invalid_response", status: 200 });
  });

  it("foreground calls without a service say so", async () => {
    const client = new LaneSwapClient({ apiUrl: "http://127.0.0.1:9" });
    await expect(client.sendHeartbeat()).rejects.toMatchObject({ code: "no_service" });
    await expect(client.getService()).rejects.toBeInstanceOf(LaneSwapError);
  });

  it("automatic heartbeats repeat the last status, skip while one is in flight, and report failures", async () => {
    const bodies: unknown[] = [];
    const prefers: (string | undefined)[] = [];
    let answer = true;
    const { url } = await serve((req, res, body) => {
      if (req.url === "/api/services") return json(res, 200, { service_id: JSON.parse(body).service_id });
      bodies.push(JSON.parse(body));
      prefers.push(req.headers.prefer as string | undefined);
      if (!answer) return; // hangs until the client's timeout
      json(res, 200, { id: "x" });
    });
    const errors: LaneSwapError[] = [];
    const client = new LaneSwapClient({
      apiUrl: url,
      serviceName: "auto",
      serviceId: "auto-1",
      heartbeatInterval: 0.05,
      timeout: 0.3,
      retry: false,
      onError: (e, ctx) => errors.push(Object.assign(e, { ctx })),
    });
    expect(await client.connect()).toBe("auto-1");
    expect(await client.connect()).toBe("auto-1");
    await client.sendHeartbeat({ status: "degraded", message: "slow disk", metadata: { explicit: true } });
    await new Promise((r) => setTimeout(r, 200));
    expect(bodies.at(-1)).toEqual({ status: "degraded", message: "slow disk" });
    // The answer to an explicit heartbeat is returned (with its events); automatic ones ask for the short answer.
    const explicit = bodies.findIndex((b) => (b as { metadata?: unknown }).metadata !== undefined);
    expect(prefers[explicit]).toBeUndefined();
    expect(prefers.filter((_, i) => i !== explicit)).not.toHaveLength(0);
    expect(new Set(prefers.filter((_, i) => i !== explicit))).toEqual(new Set(["return=minimal"]));
    answer = false;
    const before = bodies.length;
    await new Promise((r) => setTimeout(r, 450));
    // One request hangs for 0.3 s: the ticks meanwhile (every 0.05 s) are skipped, not piled up.
    expect(bodies.length - before).toBeLessThanOrEqual(3);
    expect(errors.map((e) => e.code)).toContain("timeout");
    expect((errors[0] as unknown as { ctx: unknown }).ctx).toEqual({ operation: "auto-heartbeat", serviceId: "auto-1" });
    await client.close();
    await client.close();
    const after = bodies.length;
    await new Promise((r) => setTimeout(r, 150));
    expect(bodies.length).toBe(after);
  });

  it("a throwing onError never reaches the host", async () => {
    const { url } = await serve((req, res) => (req.url === "/api/services" ? json(res, 200, { service_id: "x" }) : res.writeHead(500).end()));
    const client = new LaneSwapClient({
      apiUrl: url,
      serviceName: "x",
      heartbeatInterval: 0.05,
      retry: false,
      onError: () => {
        throw new Error("hook bug");
      },
    });
    await client.connect();
    await new Promise((r) => setTimeout(r, 150));
    await client.close();
  });
});

describe("backoff", () => {
  it("doubles from minDelay up to maxDelay, half of it jittered", () => {
    const retry = resolveRetry({ retries: 5, minDelay: 0.1, maxDelay: 1 });
    expect([1, 2, 3, 4, 5].map((a) => backoffDelayMs(a, retry, () => 0))).toEqual([50, 100, 200, 400, 500]);
    expect([1, 2, 3, 4, 5].map((a) => backoffDelayMs(a, retry, () => 1))).toEqual([100, 200, 400, 800, 1000]);
    expect(resolveRetry(false).retries).toBe(0);
    expect(resolveRetry(undefined)).toEqual({ retries: 2, minDelayMs: 250, maxDelayMs: 5000 });
  });
});

describe("startIfNeeded's default command", () => {
  it("runs this package's laneswap bin (through tsx for TypeScript), else npm start, on the URL's port", () => {
    const command = defaultStartCommand(8123)!;
    // The package's own folder: the repository the tests run in.
    expect(realpathSync(command.cwd!)).toBe(realpathSync(process.cwd()));
    expect(command.env).toEqual({ PORT: "8123" });
    const text = [command.command, ...command.args].join(" ");
    expect(text).toMatch(/ server --port 8123$|^npm start$/);
  });
});
