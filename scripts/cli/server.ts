import { spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import type { Command } from "commander";
import { z } from "zod";
import { serviceIdSchema } from "../../lib/core/schemas";
import { cliOf, localConfig, PACKAGE_ROOT, parseOption, type Cli } from "./context";
import { CliError } from "./errors";
import { runServer } from "./run-server";
import { monitorUrl } from "./service-list";

// laneswap server | worker | dashboard | monitor-link | start-monitor | migrate — running LaneSwap on this machine.

const portSchema = z.coerce.number().int().min(1).max(65535);
const LOCAL_HOSTS = new Set(["localhost", "127.0.0.1", "[::1]", "::1", "0.0.0.0"]);

/** Whether a LaneSwap server answers GET /api/health at the URL. */
export async function isServerUp(apiUrl: string, timeoutMs = 3000): Promise<boolean> {
  try {
    const res = await fetch(`${apiUrl}/api/health`, { signal: AbortSignal.timeout(timeoutMs) });
    if (!res.ok) return false;
    const body = (await res.json()) as { service?: string };
    return body.service === "LaneSwap API";
  } catch {
    return false;
  }
}

function portOf(apiUrl: string): number {
  const u = new URL(apiUrl);
  return Number(u.port || (u.protocol === "https:" ? 443 : 80));
}

/** Runs the web server and the worker in the foreground (never returns: the process exits when they stop). */
async function serveInForeground(port: number | undefined): Promise<void> {
  if (port !== undefined) process.env.PORT = String(port);
  const config = localConfig();
  await runServer(config);
  await new Promise(() => {});
}

/**
 * Makes sure a server answers at cli.apiUrl: when none does and the URL is on this machine, starts `laneswap
 * server` in the background on the URL's port (its output goes to a log in the data folder) and waits for it.
 */
export async function ensureServer(cli: Cli, timeoutMs = 180_000): Promise<{ started: boolean; pid?: number; log?: string }> {
  if (await isServerUp(cli.apiUrl)) return { started: false };
  const url = new URL(cli.apiUrl);
  if (!LOCAL_HOSTS.has(url.hostname)) {
    throw new CliError(`nothing answers at ${cli.apiUrl}, and it is not on this machine, so it cannot be started from here`, "start it on its own machine with `laneswap server`");
  }
  const port = portOf(cli.apiUrl);
  const config = localConfig({ ...process.env, PORT: String(port) });
  fs.mkdirSync(config.dataDir, { recursive: true });
  const log = path.join(config.dataDir, "laneswap-server.log");
  const fd = fs.openSync(log, "a");
  const child = spawn(process.execPath, [path.join(PACKAGE_ROOT, "bin/laneswap.js"), "server", "--port", String(port)], {
    cwd: PACKAGE_ROOT,
    detached: true,
    stdio: ["ignore", fd, fd],
    env: { ...process.env, PORT: String(port) },
  });
  fs.closeSync(fd);
  child.unref();
  cli.note(`starting LaneSwap in the background (pid ${child.pid}, port ${port}); log: ${log}`);
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new CliError(`the server stopped during start-up (exit ${child.exitCode})`, `see its log: ${log}`);
    if (await isServerUp(cli.apiUrl, 1000)) {
      cli.note(`LaneSwap is running (pid ${child.pid}); stop it with: kill ${child.pid}`);
      return { started: true, pid: child.pid, log };
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new CliError(`the server did not answer within ${timeoutMs / 1000} s`, `see its log: ${log}`);
}

export function registerServerCommands(program: Command): void {
  program
    .command("server")
    .description("run LaneSwap here: the web server (REST API and dashboard on one port) and the monitor worker")
    .option("--port <port>", "the port (default: PORT, else 8000)")
    .action(async (opts) => {
      await serveInForeground(opts.port === undefined ? undefined : parseOption(portSchema, opts.port, "--port"));
    });

  program
    .command("worker")
    .description("run only the monitor worker (stale detection and notifications), as `npm run worker` does")
    .action(async () => {
      localConfig();
      await import("../worker");
    });

  program
    .command("dashboard")
    .description("the web dashboard: prints its URL when the server at --api-url runs, else starts the server on --port")
    .option("--port <port>", "the port to start the server on when none runs (default: the --api-url's port)")
    .action(async (opts, command: Command) => {
      const cli = cliOf(command);
      const port = opts.port === undefined ? undefined : parseOption(portSchema, opts.port, "--port");
      if (await isServerUp(cli.apiUrl)) {
        const url = monitorUrl(cli.apiUrl);
        if (cli.json) return cli.printJson({ url, started: false });
        cli.print(`The dashboard is served by the LaneSwap server at ${url}`);
        if (port !== undefined && port !== portOf(cli.apiUrl)) {
          cli.note(cli.colors.dim(`(--port ${port} is not used: the API and the dashboard share the server's one port)`));
        }
        return;
      }
      const url = new URL(cli.apiUrl);
      const listenPort = port ?? (LOCAL_HOSTS.has(url.hostname) ? portOf(cli.apiUrl) : undefined);
      cli.note(`no server answers at ${cli.apiUrl}; starting one here${listenPort ? ` on port ${listenPort}` : ""}`);
      cli.note(`the dashboard will be at http://localhost:${listenPort ?? process.env.PORT ?? 8000}/`);
      await serveInForeground(listenPort);
    });

  program
    .command("monitor-link")
    .description("print the dashboard URL of a service (or of all services)")
    .option("--service-id <id>", "the service to open")
    .option("--start-if-needed", "start the server in the background when it is not running")
    .action(async (opts, command: Command) => {
      const cli = cliOf(command);
      const id = opts.serviceId === undefined ? undefined : parseOption(serviceIdSchema, opts.serviceId, "--service-id");
      const started = opts.startIfNeeded ? await ensureServer(cli) : undefined;
      const url = monitorUrl(cli.apiUrl, id);
      if (cli.json) return cli.printJson({ url, ...(started ? { started: started.started, pid: started.pid } : {}) });
      cli.print(url);
    });

  program
    .command("start-monitor")
    .description("make sure the dashboard runs at --api-url (starting the server in the background if needed) and print its URL")
    .action(async (_opts, command: Command) => {
      const cli = cliOf(command);
      const started = await ensureServer(cli);
      const url = monitorUrl(cli.apiUrl);
      if (cli.json) return cli.printJson({ url, ...started });
      cli.print(started.started ? `The dashboard is running at ${url}` : `The dashboard is already running at ${url}`);
    });

  program
    .command("migrate")
    .description("apply pending database migrations to DATABASE_URL (the server also does this when it starts)")
    .action(async (_opts, command: Command) => {
      const cli = cliOf(command);
      const config = localConfig();
      const { applyMigrations } = await import("../../lib/db/migrate");
      let applied: string[];
      try {
        applied = await applyMigrations(config);
      } catch (error) {
        throw new CliError(`migrating ${config.provider} failed: ${(error as Error).message}`, "check DATABASE_URL and that the database server runs");
      }
      if (cli.json) return cli.printJson({ provider: config.provider, applied });
      cli.print(applied.length ? `applied: ${applied.join(", ")}` : `${config.provider}: the database is up to date`);
    });
}
