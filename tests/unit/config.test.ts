import path from "node:path";
import { describe, expect, it } from "vitest";
import { ConfigError, parseConfig } from "../../lib/config";

const CWD = path.resolve("/srv/laneswap");

function parse(env: Record<string, string | undefined>) {
  return parseConfig(env as NodeJS.ProcessEnv, CWD);
}

function configError(env: Record<string, string | undefined>): ConfigError {
  try {
    parse(env);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    expect(err).toBeInstanceOf(Error);
    return err as ConfigError;
  }
  throw new Error(`expected parseConfig to throw for ${JSON.stringify(env)}`);
}

describe("parseConfig defaults", () => {
  const config = parse({});

  it("uses the documented defaults", () => {
    expect(config.port).toBe(8000);
    expect(config.host).toBe("0.0.0.0");
    expect(config.checkIntervalSeconds).toBe(30);
    expect(config.staleThresholdSeconds).toBe(60);
    expect(config.discordWebhookUsername).toBe("LaneSwap Monitor");
    expect(config.discordWebhookUrl).toBeUndefined();
    expect(config.debug).toBe(false);
    expect(config.corsOrigins).toEqual([]);
    expect(config.adminApiKey).toBeUndefined();
    expect(config.nextAuthSecret).toBeUndefined();
  });

  it("defaults to an SQLite file under <cwd>/data", () => {
    expect(config.provider).toBe("sqlite");
    expect(config.dataDir).toBe(path.join(CWD, "data"));
    expect(config.databaseUrl).toBe(`file:${path.join(CWD, "data", "laneswap.db")}`);
  });

  it("defaults apiUrl, monitorUrl and nextAuthUrl to the app's own URL", () => {
    expect(config.apiUrl).toBe("http://localhost:8000");
    expect(config.monitorUrl).toBe("http://localhost:8000");
    expect(config.nextAuthUrl).toBe("http://localhost:8000");
  });

  it("follows PORT in the default URLs", () => {
    const c = parse({ PORT: "9123" });
    expect(c.port).toBe(9123);
    expect(c.apiUrl).toBe("http://localhost:9123");
    expect(c.monitorUrl).toBe("http://localhost:9123");
  });

  it("has the other defaults", () => {
    expect(config.historyHeartbeats).toBe(100);
    expect(config.flipRetentionDays).toBe(90);
    expect(config.rateLimitPerKey).toBe(0);
    expect(config.authFailuresPerMinute).toBe(20);
  });

  it("resolves DATA_DIR against cwd", () => {
    const c = parse({ DATA_DIR: "state" });
    expect(c.dataDir).toBe(path.join(CWD, "state"));
    expect(c.databaseUrl).toBe(`file:${path.join(CWD, "state", "laneswap.db")}`);
  });
});

describe("parseConfig values", () => {
  it("parses numbers, host and username", () => {
    const c = parse({
      PORT: "3000",
      HOST: "127.0.0.1",
      HEARTBEAT_CHECK_INTERVAL: "5",
      HEARTBEAT_STALE_THRESHOLD: "120",
      DISCORD_WEBHOOK_USERNAME: "Bot",
    });
    expect(c).toMatchObject({
      port: 3000,
      host: "127.0.0.1",
      checkIntervalSeconds: 5,
      staleThresholdSeconds: 120,
      discordWebhookUsername: "Bot",
    });
  });

  it("selects PostgreSQL for a postgresql:// URL", () => {
    const url = "postgresql://user:pass@db:5432/laneswap";
    const c = parse({ DATABASE_URL: url });
    expect(c.provider).toBe("postgresql");
    expect(c.databaseUrl).toBe(url);
  });

  it("also accepts postgres://", () => {
    expect(parse({ DATABASE_URL: "postgres://u@h/db" }).provider).toBe("postgresql");
  });

  it("keeps an explicit file: URL as SQLite", () => {
    const c = parse({ DATABASE_URL: "file:./dev.db" });
    expect(c.provider).toBe("sqlite");
    expect(c.databaseUrl).toBe("file:./dev.db");
  });

  it("accepts a Discord webhook URL", () => {
    const hook = "https://discord.com/api/webhooks/1/abc";
    expect(parse({ DISCORD_WEBHOOK_URL: hook }).discordWebhookUrl).toBe(hook);
  });

  it.each([
    ["true", true],
    ["1", true],
    ["yes", true],
    ["on", true],
    ["false", false],
    ["0", false],
    ["no", false],
    ["off", false],
  ])("parses DEBUG=%s as %s", (value, expected) => {
    expect(parse({ DEBUG: value }).debug).toBe(expected);
  });

  it("splits CORS_ORIGINS on commas and trims", () => {
    expect(parse({ CORS_ORIGINS: "https://a.example, https://b.example ,http://c:3000" }).corsOrigins).toEqual([
      "https://a.example",
      "https://b.example",
      "http://c:3000",
    ]);
    expect(parse({ CORS_ORIGINS: "https://a.example" }).corsOrigins).toEqual(["https://a.example"]);
  });

  it("drops empty CORS entries", () => {
    expect(parse({ CORS_ORIGINS: " , https://a.example,, " }).corsOrigins).toEqual(["https://a.example"]);
  });

  it("uses API_URL and MONITOR_URL when set; MONITOR_URL falls back to API_URL", () => {
    expect(parse({ API_URL: "https://api.example" })).toMatchObject({
      apiUrl: "https://api.example",
      monitorUrl: "https://api.example",
    });
    expect(parse({ API_URL: "https://api.example", MONITOR_URL: "https://mon.example" })).toMatchObject({
      apiUrl: "https://api.example",
      monitorUrl: "https://mon.example",
    });
  });

  it("reads the admin key and NextAuth settings", () => {
    const c = parse({
      LANESWAP_API_KEY: "k".repeat(32),
      NEXTAUTH_SECRET: "s".repeat(32),
      NEXTAUTH_URL: "https://laneswap.example",
    });
    expect(c.adminApiKey).toBe("k".repeat(32));
    expect(c.nextAuthSecret).toBe("s".repeat(32));
    expect(c.nextAuthUrl).toBe("https://laneswap.example");
  });
});

describe("LANESWAP_-prefixed names", () => {
  it("accepts LANESWAP_PORT and LANESWAP_HEARTBEAT_STALE_THRESHOLD", () => {
    const c = parse({ LANESWAP_PORT: "9000", LANESWAP_HEARTBEAT_STALE_THRESHOLD: "300" });
    expect(c.port).toBe(9000);
    expect(c.staleThresholdSeconds).toBe(300);
    expect(c.apiUrl).toBe("http://localhost:9000");
  });

  it("accepts other prefixed names", () => {
    const c = parse({
      LANESWAP_HOST: "::",
      LANESWAP_HEARTBEAT_CHECK_INTERVAL: "10",
      LANESWAP_DISCORD_WEBHOOK_URL: "https://discord.com/api/webhooks/2/x",
      LANESWAP_DATABASE_URL: "postgresql://u@h/db",
      LANESWAP_DEBUG: "true",
      LANESWAP_CORS_ORIGINS: "https://x.example",
    });
    expect(c).toMatchObject({
      host: "::",
      checkIntervalSeconds: 10,
      discordWebhookUrl: "https://discord.com/api/webhooks/2/x",
      provider: "postgresql",
      debug: true,
      corsOrigins: ["https://x.example"],
    });
  });

  it("lets the unprefixed name win when both are set", () => {
    const c = parse({
      PORT: "7000",
      LANESWAP_PORT: "9000",
      HEARTBEAT_STALE_THRESHOLD: "45",
      LANESWAP_HEARTBEAT_STALE_THRESHOLD: "300",
    });
    expect(c.port).toBe(7000);
    expect(c.staleThresholdSeconds).toBe(45);
  });

  it("does not let an invalid prefixed value break a valid unprefixed one", () => {
    expect(parse({ PORT: "7000", LANESWAP_PORT: "abc" }).port).toBe(7000);
  });
});

describe("empty values", () => {
  it("treats empty strings as unset", () => {
    const c = parse({
      PORT: "",
      HOST: "",
      DATABASE_URL: "",
      DISCORD_WEBHOOK_URL: "",
      DISCORD_WEBHOOK_USERNAME: "",
      HEARTBEAT_STALE_THRESHOLD: "",
      HEARTBEAT_CHECK_INTERVAL: "",
      API_URL: "",
      MONITOR_URL: "",
      LANESWAP_API_KEY: "",
      MONGODB_URL: "",
      DEBUG: "",
      CORS_ORIGINS: "",
    });
    expect(c).toMatchObject({
      port: 8000,
      host: "0.0.0.0",
      provider: "sqlite",
      databaseUrl: `file:${path.join(CWD, "data", "laneswap.db")}`,
      discordWebhookUsername: "LaneSwap Monitor",
      staleThresholdSeconds: 60,
      checkIntervalSeconds: 30,
      apiUrl: "http://localhost:8000",
      monitorUrl: "http://localhost:8000",
      debug: false,
      corsOrigins: [],
    });
    expect(c.discordWebhookUrl).toBeUndefined();
    expect(c.adminApiKey).toBeUndefined();
  });

  it("treats an empty prefixed value as unset", () => {
    expect(parse({ LANESWAP_PORT: "" }).port).toBe(8000);
  });
});

describe("invalid values", () => {
  it.each([
    ["PORT", "abc"],
    ["PORT", "70000"],
    ["PORT", "0"],
    ["PORT", "80.5"],
    ["HEARTBEAT_STALE_THRESHOLD", "0"],
    ["HEARTBEAT_STALE_THRESHOLD", "-5"],
    ["HEARTBEAT_STALE_THRESHOLD", "soon"],
    ["HEARTBEAT_CHECK_INTERVAL", "0"],
    ["DATABASE_URL", "mysql://x"],
    ["DATABASE_URL", "mongodb://x"],
    ["DISCORD_WEBHOOK_URL", "not-a-url"],
    ["DISCORD_WEBHOOK_URL", "ftp://discord.com/x"],
    ["DEBUG", "maybe"],
    ["API_URL", "nope"],
    ["MONITOR_URL", "nope"],
    ["LANESWAP_API_KEY", "short"],
  ])("%s=%s throws a ConfigError naming the variable", (name, value) => {
    const err = configError({ [name]: value });
    expect(err.message).toContain(name);
    expect(err.message).toMatch(new RegExp(`\\b${name}:`));
  });

  it("names the variable when only the prefixed form is invalid", () => {
    expect(configError({ LANESWAP_PORT: "abc" }).message).toContain("PORT");
  });

  it("reports every invalid variable at once", () => {
    const err = configError({ PORT: "abc", DEBUG: "maybe", DATABASE_URL: "mysql://x" });
    expect(err.message).toContain("PORT");
    expect(err.message).toContain("DEBUG");
    expect(err.message).toContain("DATABASE_URL");
  });

  it("does not name valid variables", () => {
    const err = configError({ PORT: "abc", HOST: "localhost" });
    expect(err.message).not.toContain("HOST");
  });
});

describe("MONGODB_URL", () => {
  it("throws a ConfigError saying MongoDB is not supported and pointing to PostgreSQL", () => {
    const err = configError({ MONGODB_URL: "mongodb://localhost:27017/laneswap" });
    expect(err.message).toContain("MONGODB_URL");
    expect(err.message).toContain("MongoDB is not supported");
    expect(err.message).toContain("PostgreSQL");
  });

  it("also rejects the prefixed form", () => {
    const err = configError({ LANESWAP_MONGODB_URL: "mongodb://localhost:27017/laneswap" });
    expect(err.message).toContain("MongoDB is not supported");
  });

  it("is not silently ignored even with a valid DATABASE_URL", () => {
    const err = configError({ MONGODB_URL: "mongodb://x", DATABASE_URL: "postgresql://u@h/db" });
    expect(err.message).toContain("MongoDB is not supported");
  });
});

describe("purity", () => {
  it("does not read process.env when an env object is given", () => {
    const saved = process.env.PORT;
    process.env.PORT = "1234";
    try {
      expect(parse({}).port).toBe(8000);
    } finally {
      if (saved === undefined) delete process.env.PORT;
      else process.env.PORT = saved;
    }
  });

  it("does not mutate the env object", () => {
    const env = { PORT: "", LANESWAP_PORT: "9000" };
    parse(env);
    expect(env).toEqual({ PORT: "", LANESWAP_PORT: "9000" });
  });
});

describe("prefixed fallbacks and error names", () => {
  it("an empty unprefixed variable does not hide the LANESWAP_ one", () => {
    expect(parseConfig({ PORT: "", LANESWAP_PORT: "9000" }, "/srv").port).toBe(9000);
  });
  it("accepts DEBUG in any case", () => {
    expect(parseConfig({ DEBUG: "True" }, "/srv").debug).toBe(true);
    expect(parseConfig({ DEBUG: "FALSE" }, "/srv").debug).toBe(false);
  });
  it("names the variable the operator set", () => {
    expect(() => parseConfig({ LANESWAP_PORT: "abc" }, "/srv")).toThrow(/LANESWAP_PORT/);
  });
});
