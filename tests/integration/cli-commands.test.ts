import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startFakeDiscord, type FakeDiscord } from "../helpers/fake-discord";
import { createDatabase, freePort, startServer, uniqueId, type TestServer } from "./harness";
import { cliFor, runCli } from "./cli-run";

// The laneswap CLI as a real process against a real server: output, --json, exit codes, bad arguments, hints.

let server: TestServer;
let cli: ReturnType<typeof cliFor>;

beforeAll(async () => {
  server = await startServer(await createDatabase("sqlite"));
  cli = cliFor(server);
});

afterAll(async () => {
  await server?.stop();
  await server?.db.drop();
});

const json = (text: string) => JSON.parse(text);

// Set-up goes straight to the API; the CLI is spawned only for what each test is about.
async function register(id: string, name = id, metadata?: Record<string, unknown>) {
  expect((await server.api("/api/services", { method: "POST", json: { service_name: name, service_id: id, metadata } })).status).toBe(200);
}
async function beat(id: string, status: string, message?: string) {
  expect((await server.api(`/api/services/${id}/heartbeat`, { method: "POST", json: { status, message } })).status).toBe(200);
}

describe("services", { timeout: 180_000 }, () => {
  it("register prints the id; --json gives {service_id}; the metadata arrives", async () => {
    const id = uniqueId("reg");
    const human = await cli(["register", "--name", "My Service", "--id", id, "--metadata", '{"version": "1.0.0"}']);
    expect(human.code).toBe(0);
    expect(human.stdout).toBe(`Registered "My Service" as ${id}\n`);
    expect(human.stderr).toContain(`laneswap heartbeat --id ${id}`);

    const generated = await cli(["register", "--name", "Generated", "--json"]);
    expect(generated.code).toBe(0);
    expect(json(generated.stdout).service_id).toMatch(/^[0-9a-f-]{36}$/);

    const stored = await (await server.api(`/api/services/${id}`)).json();
    expect(stored.metadata).toEqual({ version: "1.0.0" });
  });

  it("heartbeat changes the status and prints it; --json is the service", async () => {
    const id = uniqueId("hb");
    await register(id, "Beating");
    const human = await cli(["heartbeat", "--id", id, "--status", "warning", "--message", "disk 91%"]);
    expect(human.code).toBe(0);
    expect(human.stdout).toBe(`● warning  Beating (${id}): disk 91%\n`);
    // No colours in a pipe.
    expect(human.stdout).not.toContain("\x1b[");
    const machine = await cli(["heartbeat", "--id", id, "--json", "--metadata", '{"disk": 91}']);
    expect(machine.code).toBe(0);
    const service = json(machine.stdout);
    expect(service).toMatchObject({ id, status: "healthy", metadata: { disk: 91 } });
  });

  it("list shows every service worst first with the summary; --json parses", async () => {
    const prefix = uniqueId("list");
    for (const [suffix, status] of [["a", "healthy"], ["b", "error"], ["c", "warning"]] as const) {
      await register(`${prefix}-${suffix}`);
      await beat(`${prefix}-${suffix}`, status);
    }
    const human = await cli(["list", "--search", prefix]);
    expect(human.code).toBe(0);
    const lines = human.stdout.trimEnd().split("\n");
    expect(lines[0]).toMatch(/^STATUS\s+NAME\s+LAST HEARTBEAT\s+MESSAGE\s+ID$/);
    expect(lines.slice(1, 4).map((l) => l.split(/\s+/)[1])).toEqual(["error", "warning", "healthy"]);
    expect(lines.at(-1)).toMatch(/^showing 3; \d+ services: /);

    const machine = json((await cli(["list", "--json"])).stdout);
    expect(Array.isArray(machine.services)).toBe(true);
    expect(machine.summary.total).toBe(machine.services.length);
    const errorOnly = json((await cli(["list", "--json", "--status", "error"])).stdout);
    expect(errorOnly.services.every((s: { status: string }) => s.status === "error")).toBe(true);
  });

  it("get shows the service with metadata and events; --json is the API's answer", async () => {
    const id = uniqueId("get");
    await register(id, "Detailed", { region: "eu" });
    await beat(id, "degraded", "slow");
    const human = await cli(["get", "--id", id]);
    expect(human.code).toBe(0);
    expect(human.stdout).toContain("● degraded  Detailed");
    expect(human.stdout).toMatch(/region\s+eu/);
    expect(human.stdout).toMatch(/flip\s+unknown → degraded/);
    expect(human.stdout).toContain(`${server.url}/?service=${id}`);
    const machine = json((await cli(["get", "--id", id, "--json"])).stdout);
    expect(machine.id).toBe(id);
    expect(machine.events.length).toBeGreaterThan(0);
  });
});

describe("exit codes and errors", { timeout: 180_000 }, () => {
  it("an unknown status is bad usage (2) with the allowed ones; stale is refused the same way", async () => {
    const bad = await cli(["heartbeat", "--id", "x", "--status", "fine"]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("--status: must be one of healthy, warning, degraded, error, busy");
    const stale = await cli(["heartbeat", "--id", "x", "--status", "stale"]);
    expect(stale.code).toBe(2);
    expect(stale.stderr).toContain("set by LaneSwap itself");
  });

  it("an unknown service fails (1) with the server's message and what to do", async () => {
    const result = await cli(["heartbeat", "--id", "no-such-service"]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("Service not found: no-such-service");
    expect(result.stderr).toContain("laneswap register");
    const got = await cli(["get", "--id", "no-such-service", "--json"]);
    expect(got.code).toBe(1);
    expect(json(got.stderr).error).toMatchObject({ code: "not_found", message: "Service not found: no-such-service" });
    expect(got.stdout).toBe("");
  });

  it("commander's own usage errors exit 2: unknown command, unknown option, missing option, no command", async () => {
    const cases = [["frobnicate"], ["list", "--frob"], ["register"], ["heartbeat", "--id"], [], ["keys"], ["list", "--status", "fine"]];
    const results = await Promise.all(cases.map((args) => runCli(args)));
    results.forEach((result, i) => {
      expect(result.code, `laneswap ${cases[i].join(" ")}: ${result.stderr}`).toBe(2);
      expect(result.stderr.length).toBeGreaterThan(0);
    });
  });

  it("bad --metadata, a bad id and a bad --api-url are usage errors", async () => {
    expect((await cli(["register", "--name", "x", "--metadata", "{nope"])).code).toBe(2);
    expect((await cli(["register", "--name", "x", "--metadata", "[1, 2]"])).code).toBe(2);
    expect((await cli(["register", "--name", "   "])).stderr).toContain("--name: must not be empty");
    expect((await cli(["heartbeat", "--id", "has space"])).code).toBe(2);
    const url = await cli(["list", "--api-url", "localhost:8000"]);
    expect(url.code).toBe(2);
    expect(url.stderr).toContain("is not an http(s) URL");
  });

  it("--help and --version exit 0", async () => {
    const help = await runCli(["--help"]);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain("system-check");
    expect((await runCli(["heartbeat", "--help"])).stdout).toContain("--status <status>");
    expect((await runCli(["--version"])).stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);
  });

  it("a wrong key fails (1) with how to get a key; so does no key", async () => {
    const wrong = await cli(["list"], { key: "not-a-real-key-at-all" });
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toContain("refused the API key");
    expect(wrong.stderr).toContain("set LANESWAP_API_KEY or pass --api-key; create one with `laneswap keys create");
    const none = await cli(["list"], { key: null });
    expect(none.code).toBe(1);
    expect(none.stderr).toContain("no API key");
    // --api-key wins over the environment.
    expect((await cli(["list", "--api-key", "not-a-real-key-at-all"])).code).toBe(1);
  });

  it("a server that is down fails (1) and asks whether it is running", async () => {
    const port = await freePort();
    const result = await runCli(["list"], { API_URL: `http://127.0.0.1:${port}`, LANESWAP_API_KEY: "whatever-key-12345" });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`cannot reach LaneSwap at http://127.0.0.1:${port} (connection refused)`);
    expect(result.stderr).toContain("is the server running?");
    expect(result.stderr).toContain("laneswap server");
  });
});

describe("keys", { timeout: 180_000 }, () => {
  it("create, list and revoke over the API; the new key works until revoked", async () => {
    const created = await cli(["keys", "create", "--name", "cli-test", "--scopes", "read", "--json"]);
    expect(created.code).toBe(0);
    const key = json(created.stdout);
    expect(key).toMatchObject({ name: "cli-test", scopes: ["read"] });
    expect((await cli(["list"], { key: key.key })).code).toBe(0);
    // A read key cannot register: 403 with the scope explained.
    const forbidden = await cli(["register", "--name", "x"], { key: key.key });
    expect(forbidden.code).toBe(1);
    expect(forbidden.stderr).toContain("scope");

    const listed = await cli(["keys", "list"]);
    expect(listed.stdout).toMatch(new RegExp(`${key.id}\\s+cli-test`));
    expect(listed.stdout).not.toContain(key.key);
    expect(json((await cli(["keys", "list", "--json"])).stdout).keys.some((k: { id: string }) => k.id === key.id)).toBe(true);

    const revoked = await cli(["keys", "revoke", key.id]);
    expect(revoked.code).toBe(0);
    expect(revoked.stdout).toBe(`revoked ${key.id}\n`);
    expect((await cli(["list"], { key: key.key })).code).toBe(1);
    expect((await cli(["keys", "revoke", key.id])).code).toBe(1);
  });

  it("--local creates a key straight in the database, usable against the server", async () => {
    const created = await cli(["keys", "create", "--name", "local", "--scopes", "admin", "--local", "--json"], { key: null });
    expect(created.code).toBe(0);
    const key = json(created.stdout);
    expect((await cli(["keys", "list"], { key: key.key })).stdout).toContain("local");
  });

  it("bad scopes are bad usage", async () => {
    expect((await cli(["keys", "create", "--name", "x", "--scopes", "root"])).code).toBe(2);
    expect((await cli(["keys", "revoke"])).code).toBe(2);
  });
});

describe("channels", { timeout: 180_000 }, () => {
  let discord: FakeDiscord;
  beforeAll(async () => {
    discord = await startFakeDiscord();
  });
  afterAll(async () => {
    await discord?.close();
  });

  it("add, list, test and remove a channel; a failing test exits 1", async () => {
    const added = await cli(["channels", "add", "--name", "ops", "--type", "discord", "--url", discord.url, "--levels", "warning,error", "--json"]);
    expect(added.code).toBe(0);
    const channel = json(added.stdout);
    expect(channel).toMatchObject({ name: "ops", type: "discord", levels: ["warning", "error"] });

    const listed = await cli(["channels", "list"]);
    expect(listed.stdout).toMatch(new RegExp(`${channel.id}\\s+ops\\s+discord\\s+ok\\s+warning,error`));
    expect(listed.stdout).not.toContain("fake-token");

    const tested = await cli(["channels", "test", channel.id]);
    expect(tested.code).toBe(0);
    expect(tested.stdout).toContain("delivered");
    expect(discord.received.length).toBe(1);

    discord.respondWith(500);
    const failing = await cli(["channels", "test", channel.id]);
    expect(failing.code).toBe(1);
    expect(failing.stderr).toContain("the test notification failed");
    discord.respondWith(204);

    expect((await cli(["channels", "remove", channel.id])).code).toBe(0);
    expect(json((await cli(["channels", "list", "--json"])).stdout).channels.some((c: { id: string }) => c.id === channel.id)).toBe(false);
    expect((await cli(["channels", "remove", channel.id])).code).toBe(1);
  });

  it("bad channel settings are bad usage", async () => {
    const noUrl = await cli(["channels", "add", "--name", "x", "--type", "discord"]);
    expect(noUrl.code).toBe(2);
    expect(noUrl.stderr).toContain("--url");
    expect((await cli(["channels", "add", "--name", "x", "--type", "pager", "--url", "http://x"])).code).toBe(2);
    expect((await cli(["channels", "add", "--name", "x", "--type", "webhook", "--url", "http://x/h", "--secret", "short"])).code).toBe(2);
  });
});

describe("links, dashboard and the monitor in a pipe", { timeout: 180_000 }, () => {
  it("monitor-link prints the dashboard deep link, encoded", async () => {
    const all = await cli(["monitor-link"]);
    expect(all.code).toBe(0);
    expect(all.stdout).toBe(`${server.url}/\n`);
    const one = await cli(["monitor-link", "--service-id", "ns:job.1"]);
    expect(one.stdout).toBe(`${server.url}/?service=ns%3Ajob.1\n`);
    expect(json((await cli(["monitor-link", "--service-id", "a", "--json"])).stdout)).toEqual({ url: `${server.url}/?service=a` });
    expect((await cli(["monitor-link", "--service-id", "bad id"])).code).toBe(2);
  });

  it("dashboard with a running server prints its URL; start-monitor finds it running", async () => {
    const dashboard = await cli(["dashboard", "--port", "1"]);
    expect(dashboard.code).toBe(0);
    expect(dashboard.stdout).toContain(`${server.url}/`);
    expect(dashboard.stderr).toContain("--port 1 is not used");
    const start = await cli(["start-monitor", "--json"]);
    expect(start.code).toBe(0);
    expect(json(start.stdout)).toEqual({ url: `${server.url}/`, started: false });
  });

  it("monitor-link --start-if-needed refuses to start a server for a URL on another machine", async () => {
    const result = await runCli(["monitor-link", "--start-if-needed"], { API_URL: "http://203.0.113.1:9" });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("not on this machine");
  });

  it("monitor prints the table once when stdout is not a terminal", async () => {
    const id = uniqueId("mon");
    await register(id, "Piped");
    await beat(id, "error", "boom");
    const result = await cli(["monitor", "--interval", "1"]);
    expect(result.code).toBe(0);
    const lines = result.stdout.trimEnd().split("\n");
    expect(lines[0]).toMatch(/^LaneSwap http:\/\/127\.0\.0\.1:\d+ at .*: \d+ services: /);
    expect(lines[1]).toMatch(/^STATUS\s+NAME/);
    expect(lines[2]).toMatch(/^● error/);
    expect(result.stdout).toContain("boom");
    const machine = json((await cli(["monitor", "--json"])).stdout);
    expect(machine.services[0].status).toBe("error");
  });
});

describe("migrate", { timeout: 180_000 }, () => {
  it("applies the migrations to a fresh database once", async () => {
    const db = await createDatabase("sqlite");
    try {
      const env = { DATABASE_URL: db.url, DATA_DIR: db.dataDir };
      const first = await runCli(["migrate"], env);
      expect(first.code).toBe(0);
      expect(first.stdout).toMatch(/^applied: \d+_init/);
      const second = await runCli(["migrate", "--json"], env);
      expect(json(second.stdout)).toEqual({ provider: "sqlite", applied: [] });
      const bad = await runCli(["migrate"], { DATABASE_URL: "mysql://x" });
      expect(bad.code).toBe(1);
      expect(bad.stderr).toContain("DATABASE_URL");
    } finally {
      await db.drop();
    }
  });
});
