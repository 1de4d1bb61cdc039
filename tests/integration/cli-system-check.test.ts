import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startFakeDiscord, type FakeDiscord } from "../helpers/fake-discord";
import { createDatabase, freePort, PROVIDERS, startServer, type TestServer } from "./harness";
import { cliFor, runCli } from "./cli-run";
import { startWorker, type WorkerProcess } from "./worker-process";

// laneswap system-check against real servers on both databases: a PASS/FAIL line per part, hints, exit codes.

type CheckLine = { status: string; name: string; detail: string };

/** "PASS  worker  alive (…)" lines as {status, name, detail}; names may have a space ("api key"). */
function parse(stdout: string): CheckLine[] {
  return stdout
    .split("\n")
    .map((line) => /^(PASS|FAIL|SKIP)  (.+?)\s{2,}(.*)$/.exec(line))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => ({ status: m[1], name: m[2].trim(), detail: m[3] }));
}

const statusOf = (lines: CheckLine[], name: string) => lines.find((l) => l.name === name)?.status;

async function waitForWorker(server: TestServer): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    const health = await (await server.api("/api/health", { key: null })).json();
    if (health.worker?.status === "ok") return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error("the worker never reported a sweep");
}

describe.each(PROVIDERS)("system-check on %s", (provider) => {
  let server: TestServer;
  let cli: ReturnType<typeof cliFor>;
  let discord: FakeDiscord;
  let worker: WorkerProcess | undefined;

  beforeAll(async () => {
    server = await startServer(await createDatabase(provider));
    cli = cliFor(server);
    discord = await startFakeDiscord();
    const res = await server.api("/api/channels", { method: "POST", json: { name: "ops", type: "discord", config: { url: discord.url } } });
    expect(res.status).toBe(201);
  });

  afterAll(async () => {
    await worker?.stop();
    await server?.stop();
    await server?.db.drop();
    await discord?.close();
  });

  it("without a worker: the worker line fails with how to start one, exit 1", async () => {
    const result = await cli(["system-check"]);
    expect(result.code).toBe(1);
    const lines = parse(result.stdout);
    expect(statusOf(lines, "worker")).toBe("FAIL");
    expect(result.stdout).toContain("→ start one: `laneswap worker`");
    expect(statusOf(lines, "api")).toBe("PASS");
    expect(result.stdout).toMatch(/1 of \d+ checks failed/);
  }, 180_000);

  it("with a worker every line passes, exit 0; --json says the same", async () => {
    worker = startWorker(server.db);
    await waitForWorker(server);
    const received = discord.received.length;
    const result = await cli(["system-check"]);
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    const lines = parse(result.stdout);
    expect(lines.map((l) => `${l.status} ${l.name}`)).toEqual([
      "PASS configuration",
      "PASS database",
      "PASS api",
      "PASS api key",
      "PASS server database",
      "PASS worker",
      "PASS dashboard",
      "PASS channel ops",
    ]);
    expect(lines[1].detail).toMatch(new RegExp(`^${provider} reachable, all \\d+ migrations applied$`));
    expect(lines[3].detail).toBe("accepted (admin)");
    expect(result.stdout).toContain("all checks passed");
    // The channel check sent a real test notification.
    expect(discord.received.length).toBe(received + 1);

    const machine = JSON.parse((await cli(["system-check", "--json", "--skip-channels"])).stdout);
    expect(machine.ok).toBe(true);
    expect(machine.checks.find((c: { name: string }) => c.name === "channels")).toMatchObject({ status: "skip" });
  }, 180_000);

  it("a wrong key fails the key line with the hint and skips the channels", async () => {
    const result = await cli(["system-check"], { key: "definitely-not-a-key" });
    expect(result.code).toBe(1);
    const lines = parse(result.stdout);
    expect(statusOf(lines, "api key")).toBe("FAIL");
    expect(statusOf(lines, "worker")).toBe("PASS");
    expect(statusOf(lines, "channels")).toBe("SKIP");
    expect(result.stdout).toContain("set LANESWAP_API_KEY or pass --api-key");
  }, 180_000);

  it("a channel whose endpoint is gone fails with how to fix it", async () => {
    discord.respondWith(404, { message: "Unknown Webhook", code: 10015 });
    const result = await cli(["system-check"]);
    expect(result.code).toBe(1);
    const lines = parse(result.stdout);
    expect(statusOf(lines, "channel ops")).toBe("FAIL");
    expect(result.stdout).toContain("laneswap channels remove");
  }, 180_000);
});

describe("system-check when things are missing", () => {
  it("a server that is down: the api line fails with the hint, the rest is skipped", async () => {
    const port = await freePort();
    const result = await runCli(["system-check", "--remote-only"], { API_URL: `http://127.0.0.1:${port}`, LANESWAP_API_KEY: "some-key-1234567890" });
    expect(result.code).toBe(1);
    const lines = parse(result.stdout);
    expect(statusOf(lines, "configuration")).toBe("SKIP");
    expect(statusOf(lines, "api")).toBe("FAIL");
    expect(result.stdout).toContain("is the server running?");
    expect(["api key", "worker", "dashboard", "channels"].map((n) => statusOf(lines, n))).toEqual(["SKIP", "SKIP", "SKIP", "SKIP"]);
  }, 180_000);

  it("invalid configuration names the variable; a database never migrated says to migrate", async () => {
    const port = await freePort();
    const bad = await runCli(["system-check"], { API_URL: `http://127.0.0.1:${port}`, HEARTBEAT_STALE_THRESHOLD: "soon" });
    expect(statusOf(parse(bad.stdout), "configuration")).toBe("FAIL");
    expect(bad.stdout).toContain("HEARTBEAT_STALE_THRESHOLD");

    const db = await createDatabase("sqlite");
    try {
      const fresh = await runCli(["system-check"], { API_URL: `http://127.0.0.1:${port}`, DATABASE_URL: db.url, DATA_DIR: db.dataDir });
      const lines = parse(fresh.stdout);
      expect(statusOf(lines, "configuration")).toBe("PASS");
      expect(statusOf(lines, "database")).toBe("FAIL");
      expect(fresh.stdout).toContain("laneswap migrate");
    } finally {
      await db.drop();
    }
  }, 180_000);
});
