import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { LaneSwapError } from "./errors.js";
import { sleep, withTimeout } from "./http.js";

// getMonitorUrl({ startIfNeeded: true }): when nothing answers at the API URL and that URL is on this machine,
// start `laneswap server` there, detached, and wait until it answers. A server on another machine cannot be
// started from here; that is an error that says so.

export type StartCommand = { command: string; args: string[]; cwd?: string; env?: Record<string, string> };

const LOCAL_HOSTS = new Set(["localhost", "127.0.0.1", "::1", "[::1]", "0.0.0.0"]);

/** Whether a LaneSwap server answers `GET /api/health` at the URL. */
export async function isServerUp(apiUrl: string, timeoutMs = 2_000): Promise<boolean> {
  try {
    return await withTimeout(timeoutMs, undefined, async (signal) => {
      const response = await fetch(`${apiUrl}/api/health`, { signal });
      const body = (await response.json().catch(() => null)) as { service?: unknown } | null;
      return body?.service === "LaneSwap API";
    });
  } catch {
    return false;
  }
}

/** The LaneSwap package this module belongs to (its package.json is named "laneswap"), or null. */
export function findPackageRoot(from = path.dirname(fileURLToPath(import.meta.url))): string | null {
  for (let dir = from; ; dir = path.dirname(dir)) {
    const file = path.join(dir, "package.json");
    if (fs.existsSync(file)) {
      try {
        if ((JSON.parse(fs.readFileSync(file, "utf8")) as { name?: string }).name === "laneswap") return dir;
      } catch {
        // unreadable package.json: keep walking up
      }
    }
    if (path.dirname(dir) === dir) return null;
  }
}

/**
 * `laneswap server --port <port>` from this package's `bin`, run with this Node (through tsx when the bin is
 * TypeScript); `npm start` with PORT set when the package has no such bin.
 */
export function defaultStartCommand(port: number, root = findPackageRoot()): StartCommand | null {
  if (!root) return null;
  const pkg = JSON.parse(fs.readFileSync(path.join(root, "package.json"), "utf8")) as { bin?: string | Record<string, string> };
  const bin = typeof pkg.bin === "string" ? pkg.bin : pkg.bin?.laneswap;
  const env = { PORT: String(port) };
  if (bin && fs.existsSync(path.join(root, bin))) {
    const script = path.join(root, bin);
    const loader = /\.[mc]?ts$/.test(script) ? ["--import", "tsx"] : [];
    return { command: process.execPath, args: [...loader, script, "server", "--port", String(port)], cwd: root, env };
  }
  return { command: process.platform === "win32" ? "npm.cmd" : "npm", args: ["start"], cwd: root, env };
}

export type EnsureServerOptions = {
  apiUrl: string;
  command?: StartCommand;
  /** How long to wait for a started server to answer (a first start builds the app). Milliseconds. */
  waitMs?: number;
};

/** Starts a server when none answers; resolves once one does. */
export async function ensureServerRunning(options: EnsureServerOptions): Promise<{ started: boolean; pid?: number; logFile?: string }> {
  if (await isServerUp(options.apiUrl)) return { started: false };
  const url = new URL(options.apiUrl);
  if (!LOCAL_HOSTS.has(url.hostname)) {
    throw new LaneSwapError({
      status: null,
      code: "server_unavailable",
      detail: `LaneSwap does not answer at ${options.apiUrl}, and that is not this machine, so it cannot be started from here; start it there (laneswap server or npm start)`,
    });
  }
  const port = Number(url.port || (url.protocol === "https:" ? 443 : 80));
  const command = options.command ?? defaultStartCommand(port);
  if (!command) {
    throw new LaneSwapError({
      status: null,
      code: "server_unavailable",
      detail: `LaneSwap does not answer at ${options.apiUrl} and its package could not be found to start it; run \`laneswap server --port ${port}\``,
    });
  }
  const logFile = path.join(os.tmpdir(), `laneswap-server-${port}.log`);
  const log = fs.openSync(logFile, "a");
  const child = spawn(command.command, command.args, {
    cwd: command.cwd,
    env: { ...process.env, ...command.env },
    detached: true,
    stdio: ["ignore", log, log],
  });
  fs.closeSync(log);
  let exit: string | null = null;
  child.once("exit", (code, signal) => (exit = `exited with ${signal ?? `code ${code}`}`));
  child.once("error", (error) => (exit = `could not start: ${error.message}`));
  child.unref();
  const deadline = Date.now() + (options.waitMs ?? 180_000);
  while (Date.now() < deadline) {
    if (await isServerUp(options.apiUrl)) return { started: true, pid: child.pid, logFile };
    if (exit) break;
    await sleep(250);
  }
  throw new LaneSwapError({
    status: null,
    code: "server_unavailable",
    detail: `Started \`${[command.command, ...command.args].join(" ")}\` but LaneSwap ${exit ?? "did not answer"} at ${options.apiUrl}; see ${logFile}`,
  });
}
