import { spawn } from "node:child_process";
import { ADMIN_KEY, type TestServer } from "./harness";

// Runs the `laneswap` CLI as a real process (node bin/laneswap.js …), the way a user or a script runs it.

export type CliResult = { code: number | null; stdout: string; stderr: string };

/** The environment without anything from the developer's shell that would point the CLI elsewhere. */
export function cleanEnv(extra: Record<string, string | undefined> = {}): NodeJS.ProcessEnv {
  const env: Record<string, string | undefined> = { ...process.env };
  for (const name of ["API_URL", "LANESWAP_API_URL", "LANESWAP_API_KEY", "FORCE_COLOR", "NO_COLOR", "DATABASE_URL", "DATA_DIR", "PORT", "LANESWAP_PORT", "MONITOR_URL"]) delete env[name];
  Object.assign(env, extra);
  return Object.fromEntries(Object.entries(env).filter((e): e is [string, string] => e[1] !== undefined)) as NodeJS.ProcessEnv;
}

export function runCli(args: string[], env: Record<string, string | undefined> = {}, timeoutMs = 60_000): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["bin/laneswap.js", ...args], { env: cleanEnv(env), stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`laneswap ${args.join(" ")} did not finish in ${timeoutMs} ms\nstdout: ${stdout}\nstderr: ${stderr}`));
    }, timeoutMs);
    child.on("exit", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** The CLI pointed at a test server, with its admin key unless `key` says otherwise (null: no key). */
export function cliFor(server: TestServer) {
  return (args: string[], options: { key?: string | null; env?: Record<string, string | undefined> } = {}) => {
    const key = options.key === undefined ? ADMIN_KEY : options.key;
    return runCli(args, {
      API_URL: server.url,
      LANESWAP_API_KEY: key ?? undefined,
      DATABASE_URL: server.db.url,
      DATA_DIR: server.db.dataDir,
      ...options.env,
    });
  };
}
