// The production server, shared by `npm start` (scripts/start.ts) and `laneswap server`: builds on first use, then
// runs the web server (API and dashboard on one port) and the monitor worker side by side; if either stops, both
// stop. Runs in the installation folder and honours PORT, HOST, DATABASE_URL and the rest of the configuration.
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import type { Config } from "../../lib/config";

/** Starts both processes; when they stopped (or the build failed), calls `exit` with the process's exit code. */
export async function runServer(config: Config, exit: (code: number) => void = (code) => process.exit(code)): Promise<void> {
  const env = { ...process.env, NEXT_TELEMETRY_DISABLED: "1" };
  const nextBin = "node_modules/next/dist/bin/next";

  if (!fs.existsSync(".next/BUILD_ID")) {
    console.log("[laneswap] first start: building the web app (about a minute)…");
    const build = spawnSync(process.execPath, [nextBin, "build"], { stdio: "inherit", env });
    if (build.status !== 0) return exit(build.status ?? 1);
  }

  const children: ChildProcess[] = [];
  let stopping = false;

  function run(name: string, args: string[]): void {
    const child = spawn(process.execPath, args, { stdio: "inherit", env });
    children.push(child);
    child.on("exit", (code, signal) => {
      if (stopping) return;
      console.error(`[laneswap] ${name} exited (${signal ?? code}); stopping`);
      stop(code ?? 1);
    });
  }

  function stop(code: number): void {
    stopping = true;
    for (const child of children) if (child.exitCode === null) child.kill("SIGTERM");
    Promise.all(children.map((c) => (c.exitCode !== null ? null : new Promise((r) => c.once("exit", r))))).then(() => exit(code));
  }

  process.on("SIGINT", () => stop(0));
  process.on("SIGTERM", () => stop(0));

  // The worker migrates the database before it starts watching, so the two never race on a fresh install.
  await import("../../lib/db/migrate").then(({ applyMigrations }) => applyMigrations(config));
  run("web server", [nextBin, "start", "-p", String(config.port), "-H", config.host]);
  run("worker", ["--import", "tsx", "scripts/worker.ts"]);
}
