import path from "node:path";
import { z } from "zod";

// Every setting LaneSwap reads from the environment, parsed once and shared by the web server, the worker and
// the CLI. The names are the original LaneSwap's; each also accepts the LANESWAP_-prefixed form.

const seconds = (fallback: number, min = 1) => z.coerce.number().int().min(min).max(30 * 24 * 3600).default(fallback);
const flag = z
  .string()
  .default("false")
  .transform((v) => v.trim().toLowerCase())
  .pipe(z.enum(["true", "false", "1", "0", "yes", "no", "on", "off"]))
  .transform((v) => ["true", "1", "yes", "on"].includes(v));
const url = z.url({ protocol: /^https?$/ });

const envSchema = z.object({
  DATABASE_URL: z
    .string()
    .regex(/^(file:|postgres(ql)?:\/\/)/, "must start with file: (SQLite) or postgresql:// (PostgreSQL)")
    .optional(),
  DISCORD_WEBHOOK_URL: url.optional(),
  DISCORD_WEBHOOK_USERNAME: z.string().min(1).max(80).default("LaneSwap Monitor"),
  HEARTBEAT_CHECK_INTERVAL: seconds(30),
  HEARTBEAT_STALE_THRESHOLD: seconds(60),
  HOST: z.string().min(1).default("0.0.0.0"),
  PORT: z.coerce.number().int().min(1).max(65535).default(8000),
  DEBUG: flag,
  CORS_ORIGINS: z.string().default(""),
  API_URL: url.optional(),
  MONITOR_URL: url.optional(),
  LANESWAP_API_KEY: z.string().min(16, "must be at least 16 characters").optional(),
  NEXTAUTH_SECRET: z.string().min(16).optional(),
  NEXTAUTH_URL: url.optional(),
  DATA_DIR: z.string().min(1).default("data"),
  HISTORY_HEARTBEATS: z.coerce.number().int().min(1).max(100_000).default(100),
  FLIP_RETENTION_DAYS: z.coerce.number().int().min(1).max(36_500).default(90),
  RATE_LIMIT_PER_KEY: z.coerce.number().int().min(0).default(0),
  AUTH_FAILURES_PER_MINUTE: z.coerce.number().int().min(1).default(20),
  TRUST_PROXY: flag,
  NOTIFY_FIRST_HEARTBEAT: flag,
  REMINDER_INTERVAL_MINUTES: z.coerce.number().int().min(0).max(10_080).default(0),
  FLAP_THRESHOLD: z.coerce.number().int().min(0).max(1000).default(5),
  FLAP_WINDOW_MINUTES: z.coerce.number().int().min(1).max(1440).default(10),
  DELIVERY_TIMEOUT_SECONDS: z.coerce.number().min(0.1).max(300).default(10),
  DELIVERY_GIVE_UP_HOURS: z.coerce.number().min(0.01).max(24 * 30).default(24),
  WORKER_STALE_AFTER_SECONDS: z.coerce.number().int().min(1).default(30),
  MONGODB_URL: z.string().optional(),
});

export type Config = {
  databaseUrl: string;
  provider: "sqlite" | "postgresql";
  dataDir: string;
  discordWebhookUrl?: string;
  discordWebhookUsername: string;
  checkIntervalSeconds: number;
  staleThresholdSeconds: number;
  host: string;
  port: number;
  debug: boolean;
  corsOrigins: string[];
  apiUrl: string;
  monitorUrl: string;
  adminApiKey?: string;
  nextAuthSecret?: string;
  nextAuthUrl: string;
  historyHeartbeats: number;
  flipRetentionDays: number;
  rateLimitPerKey: number;
  authFailuresPerMinute: number;
  /** Believe the last X-Forwarded-For entry as the client's address (set it behind a reverse proxy). */
  trustProxy: boolean;
  alerts: {
    /** Notify the first heartbeat of a service (unknown → healthy). */
    notifyFirstHeartbeat: boolean;
    /** Minutes between reminders while a service stays stale or in error; 0: no reminders. */
    reminderIntervalMinutes: number;
    /** More than this many flips within flapWindowMinutes is flapping; 0 turns flap detection off. */
    flapThreshold: number;
    flapWindowMinutes: number;
  };
  delivery: { timeoutMs: number; giveUpAfterMs: number };
  workerStaleAfterSeconds: number;
};

export class ConfigError extends Error {}

/**
 * Reads `NAME`, falling back to `LANESWAP_NAME`; empty strings count as unset. Also returns which variable each
 * value came from, so an error names the one the operator actually set.
 */
function readEnv(env: Record<string, string | undefined>): { values: Record<string, string | undefined>; source: Record<string, string> } {
  const values: Record<string, string | undefined> = {};
  const source: Record<string, string> = {};
  for (const key of Object.keys(envSchema.shape)) {
    const prefixed = `LANESWAP_${key.replace(/^LANESWAP_/, "")}`;
    const name = env[key] ? key : env[prefixed] ? prefixed : key;
    values[key] = env[name] || undefined;
    source[key] = name;
  }
  return { values, source };
}

export function parseConfig(env: Record<string, string | undefined> = process.env, cwd = process.cwd()): Config {
  const { values, source } = readEnv(env);
  const parsed = envSchema.safeParse(values);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((issue) => `  ${source[String(issue.path[0])] ?? issue.path.join(".")}: ${issue.message}`);
    throw new ConfigError(`Invalid LaneSwap configuration:\n${lines.join("\n")}`);
  }
  const e = parsed.data;
  if (e.MONGODB_URL) {
    throw new ConfigError(
      "MONGODB_URL: MongoDB is not supported by this version of LaneSwap. Unset MONGODB_URL and use the embedded " +
        "SQLite database (the default, nothing to configure) or PostgreSQL with DATABASE_URL=postgresql://user:pass@host:5432/laneswap.",
    );
  }
  const dataDir = path.resolve(cwd, e.DATA_DIR);
  const databaseUrl = e.DATABASE_URL ?? `file:${path.join(dataDir, "laneswap.db")}`;
  const ownUrl = `http://localhost:${e.PORT}`;
  return {
    databaseUrl,
    provider: databaseUrl.startsWith("file:") ? "sqlite" : "postgresql",
    dataDir,
    discordWebhookUrl: e.DISCORD_WEBHOOK_URL,
    discordWebhookUsername: e.DISCORD_WEBHOOK_USERNAME,
    checkIntervalSeconds: e.HEARTBEAT_CHECK_INTERVAL,
    staleThresholdSeconds: e.HEARTBEAT_STALE_THRESHOLD,
    host: e.HOST,
    port: e.PORT,
    debug: e.DEBUG,
    corsOrigins: e.CORS_ORIGINS.split(",").map((o) => o.trim()).filter(Boolean),
    apiUrl: e.API_URL ?? ownUrl,
    monitorUrl: e.MONITOR_URL ?? e.API_URL ?? ownUrl,
    adminApiKey: e.LANESWAP_API_KEY,
    nextAuthSecret: e.NEXTAUTH_SECRET,
    nextAuthUrl: e.NEXTAUTH_URL ?? ownUrl,
    historyHeartbeats: e.HISTORY_HEARTBEATS,
    flipRetentionDays: e.FLIP_RETENTION_DAYS,
    rateLimitPerKey: e.RATE_LIMIT_PER_KEY,
    authFailuresPerMinute: e.AUTH_FAILURES_PER_MINUTE,
    trustProxy: e.TRUST_PROXY,
    alerts: {
      notifyFirstHeartbeat: e.NOTIFY_FIRST_HEARTBEAT,
      reminderIntervalMinutes: e.REMINDER_INTERVAL_MINUTES,
      flapThreshold: e.FLAP_THRESHOLD,
      flapWindowMinutes: e.FLAP_WINDOW_MINUTES,
    },
    delivery: { timeoutMs: e.DELIVERY_TIMEOUT_SECONDS * 1000, giveUpAfterMs: e.DELIVERY_GIVE_UP_HOURS * 3_600_000 },
    workerStaleAfterSeconds: e.WORKER_STALE_AFTER_SECONDS,
  };
}

let cached: Config | undefined;

/** The process's configuration, parsed on first use. */
export function getConfig(): Config {
  cached ??= parseConfig();
  return cached;
}
