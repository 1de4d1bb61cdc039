import fs from "node:fs";
import type { Command } from "commander";
import type { Config } from "../../lib/config";
import { cliOf, localConfig, type Cli } from "./context";
import { CliError, EXIT_FAILURE } from "./errors";
import type { Colors } from "./format";
import { KEY_HINT } from "./http";
import type { ChannelInfo } from "./channels";

// laneswap system-check — one PASS/FAIL line per part of LaneSwap, each failure with a hint on how to fix it.

export type CheckStatus = "pass" | "fail" | "skip";
export type Check = { name: string; status: CheckStatus; detail: string; hint?: string };

const pass = (name: string, detail: string): Check => ({ name, status: "pass", detail });
const fail = (name: string, detail: string, hint?: string): Check => ({ name, status: "fail", detail, hint });
const skip = (name: string, detail: string, hint?: string): Check => ({ name, status: "skip", detail, hint });

/** The report as lines: "PASS  name  detail", and under a failure "      → hint". */
export function checkLines(checks: Check[], c: Colors): string[] {
  const width = Math.max(...checks.map((k) => k.name.length));
  const label = { pass: c.green("PASS"), fail: c.red("FAIL"), skip: c.dim("SKIP") };
  const lines: string[] = [];
  for (const k of checks) {
    lines.push(`${label[k.status]}  ${k.name.padEnd(width)}  ${k.detail}`);
    if (k.hint && k.status !== "pass") lines.push(`      ${" ".repeat(width)}  ${c.dim("→ " + k.hint)}`);
  }
  const failed = checks.filter((k) => k.status === "fail").length;
  lines.push("", failed ? c.red(`${failed} of ${checks.length} checks failed`) : c.green(`all checks passed`) + (checks.some((k) => k.status === "skip") ? c.dim(" (some skipped)") : ""));
  return lines;
}

/** Migration names recorded as applied in the database, without changing anything (the SQLite file must exist). */
async function appliedMigrations(config: Config): Promise<string[]> {
  const sql = `SELECT migration_name FROM "_prisma_migrations" WHERE rolled_back_at IS NULL AND finished_at IS NOT NULL`;
  if (config.provider === "sqlite") {
    const { sqliteFilePath } = await import("../../lib/db/client");
    const file = sqliteFilePath(config.databaseUrl);
    if (!fs.existsSync(file)) throw new CliError(`the database file ${file} does not exist`, "start the server once (`laneswap server`) or run `laneswap migrate` to create it");
    const { default: Database } = await import("better-sqlite3");
    const db = new Database(file, { readonly: true, fileMustExist: true, timeout: 5000 });
    try {
      const exists = db.prepare(`SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = '_prisma_migrations'`).get();
      return exists ? (db.prepare(sql).all() as { migration_name: string }[]).map((r) => r.migration_name) : [];
    } finally {
      db.close();
    }
  }
  const { default: pg } = await import("pg");
  const client = new pg.Client({ connectionString: config.databaseUrl, connectionTimeoutMillis: 5000 });
  await client.connect();
  try {
    const { rows } = await client.query(`SELECT to_regclass('"_prisma_migrations"') IS NOT NULL AS present`);
    if (!rows[0]?.present) return [];
    return (await client.query(sql)).rows.map((r: { migration_name: string }) => r.migration_name);
  } finally {
    await client.end();
  }
}

async function checkLocal(): Promise<{ checks: Check[] }> {
  let config: Config;
  try {
    config = localConfig();
  } catch (error) {
    const e = error as CliError;
    return {
      checks: [
        fail("configuration", e.message.replace(/\n\s*/g, " "), e.hint),
        skip("database", "the configuration is invalid"),
      ],
    };
  }
  const checks = [pass("configuration", `valid (${config.provider}, port ${config.port}, stale after ${config.staleThresholdSeconds} s)`)];
  try {
    const { loadMigrations, migrationsDir } = await import("../../lib/db/migrate");
    const expected = loadMigrations(migrationsDir(config.provider)).map((m) => m.name);
    const applied = new Set(await appliedMigrations(config));
    const missing = expected.filter((m) => !applied.has(m));
    checks.push(
      missing.length
        ? fail("database", `reachable, but ${missing.length} of ${expected.length} migrations are not applied (${missing.join(", ")})`, "run `laneswap migrate` (the server also applies them when it starts)")
        : pass("database", `${config.provider} reachable, all ${expected.length} migrations applied`),
    );
  } catch (error) {
    const e = error as Partial<CliError>;
    checks.push(fail("database", `cannot use ${config.provider}: ${e.message}`, e.hint ?? "check DATABASE_URL; for PostgreSQL, is the database server running and does the database exist?"));
  }
  return { checks };
}

type Health = { status?: string; database?: { status: string; error?: string }; worker?: { status: string; last_sweep_at?: string | null; stale_after_seconds?: number } };

async function checkServer(cli: Cli, options: { channels: boolean }): Promise<Check[]> {
  const checks: Check[] = [];
  let api: { version?: string } | undefined;
  try {
    api = await cli.api.request<{ version?: string }>("GET", "/api", { auth: false });
    checks.push(pass("api", `${cli.apiUrl} answers (LaneSwap ${api.version ?? "?"})`));
  } catch (error) {
    const e = error as CliError;
    checks.push(fail("api", e.message, e.hint));
    for (const name of ["api key", "server database", "worker", "dashboard", "channels"]) checks.push(skip(name, "the API did not answer"));
    return checks;
  }

  let admin = false;
  if (!cli.apiKey) {
    checks.push(fail("api key", "no API key given", KEY_HINT));
  } else {
    try {
      await cli.api.get("/api/services", { limit: 1 });
      const keys = await cli.api.fetch("/api/keys");
      admin = keys.ok;
      checks.push(pass("api key", admin ? "accepted (admin)" : "accepted (without admin scope)"));
    } catch (error) {
      const e = error as CliError;
      checks.push(fail("api key", e.message, e.hint));
    }
  }

  try {
    const health = await cli.api.request<Health>("GET", "/api/health", { auth: false });
    checks.push(
      health.database?.status === "ok"
        ? pass("server database", "the server reaches its database")
        : fail("server database", `the server cannot reach its database${health.database?.error ? `: ${health.database.error}` : ""}`, "check the server's DATABASE_URL and that the database runs"),
    );
    const w = health.worker;
    if (w?.status === "ok") checks.push(pass("worker", `alive (last sweep ${w.last_sweep_at})`));
    else if (w?.status === "stale") checks.push(fail("worker", `no worker swept in the last ${w.stale_after_seconds ?? "?"} s (last ${w.last_sweep_at}): stale detection and notifications are not running`, "start one: `laneswap worker` (`laneswap server` runs one beside the web server)"));
    else if (w?.status === "none") checks.push(fail("worker", "no worker has ever run against this database: stale detection and notifications are not running", "start one: `laneswap worker` (`laneswap server` runs one beside the web server)"));
    else checks.push(fail("worker", `unknown (health says ${JSON.stringify(w ?? null)})`, "the server's database must be reachable to tell"));
  } catch (error) {
    const e = error as CliError;
    checks.push(fail("server database", e.message, e.hint), skip("worker", "/api/health did not answer"));
  }

  try {
    const res = await fetch(`${cli.apiUrl}/`, { signal: AbortSignal.timeout(15_000) });
    await res.arrayBuffer();
    checks.push(res.status === 200 ? pass("dashboard", `${cli.apiUrl}/ answers 200`) : fail("dashboard", `${cli.apiUrl}/ answers ${res.status}`, "see the server's log; rebuild the app with `npm run build` if it is missing"));
  } catch (error) {
    checks.push(fail("dashboard", `${cli.apiUrl}/ did not answer: ${(error as Error).message}`, "see the server's log"));
  }

  if (!options.channels) checks.push(skip("channels", "not tested (--skip-channels)"));
  else if (!admin) checks.push(skip("channels", "needs an admin key to list and test the channels", "pass an admin key with --api-key (LANESWAP_API_KEY)"));
  else checks.push(...(await checkChannels(cli)));
  return checks;
}

async function checkChannels(cli: Cli): Promise<Check[]> {
  let channels: ChannelInfo[];
  try {
    channels = (await cli.api.get<{ channels: ChannelInfo[] }>("/api/channels")).channels;
  } catch (error) {
    const e = error as CliError;
    return [fail("channels", e.message, e.hint)];
  }
  if (!channels.length) return [skip("channels", "none configured: notifications go nowhere", "add one: `laneswap channels add --name ops --type discord --url <webhook>` (or set DISCORD_WEBHOOK_URL)")];
  return Promise.all(
    channels.map(async (c): Promise<Check> => {
      const name = `channel ${c.name}`;
      if (!c.enabled) return skip(name, `${c.type}, disabled`);
      try {
        const result = await cli.api.post<{ ok: boolean; error?: string }>(`/api/channels/${encodeURIComponent(c.id)}/test`);
        return result.ok
          ? pass(name, `${c.type}: a test notification was delivered`)
          : fail(name, `${c.type}: the test notification failed: ${result.error ?? "unknown error"}`, `fix its URL or settings (PATCH /api/channels/${c.id}), or remove it: \`laneswap channels remove ${c.id}\``);
      } catch (error) {
        const e = error as CliError;
        return fail(name, e.message, e.hint);
      }
    }),
  );
}

export function registerSystemCheckCommand(program: Command): void {
  program
    .command("system-check")
    .description("check every part of LaneSwap: configuration, database, API and key, worker, dashboard, channels")
    .option("--remote-only", "skip the checks of this machine's configuration and database (when LaneSwap runs elsewhere)")
    .option("--skip-channels", "do not send a test notification through each channel")
    .action(async (opts, command: Command) => {
      const cli = cliOf(command);
      const local = opts.remoteOnly
        ? { checks: [skip("configuration", "--remote-only"), skip("database", "--remote-only")] }
        : await checkLocal();
      const checks = [...local.checks, ...(await checkServer(cli, { channels: !opts.skipChannels }))];
      const ok = !checks.some((k) => k.status === "fail");
      if (cli.json) cli.printJson({ ok, checks });
      else for (const line of checkLines(checks, cli.colors)) cli.print(line);
      if (!ok) process.exitCode = EXIT_FAILURE;
    });
}
