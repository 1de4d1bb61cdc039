import { spawn, type ChildProcess } from "node:child_process";
import type { TestDatabase } from "./harness";

export type WorkerProcess = {
  pid: number;
  output: () => string;
  /** SIGTERM, resolving with the exit code once it stopped. */
  stop: () => Promise<number | null>;
  /** SIGKILL. */
  kill: () => Promise<void>;
  waitForOutput: (pattern: RegExp, timeoutMs?: number) => Promise<void>;
};

/** Runs the monitor worker the way `npm run worker` does, against a test database. */
export function startWorker(db: TestDatabase, env: Record<string, string> = {}): WorkerProcess {
  let log = "";
  const waiters = new Set<() => void>();
  const child: ChildProcess = spawn(process.execPath, ["--import", "tsx", "scripts/worker.ts"], {
    env: { ...process.env, DATABASE_URL: db.url, DATA_DIR: db.dataDir, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const onData = (d: Buffer) => {
    log += d;
    for (const w of waiters) w();
  };
  child.stdout!.on("data", onData);
  child.stderr!.on("data", onData);
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  return {
    pid: child.pid!,
    output: () => log,
    stop: async () => {
      child.kill("SIGTERM");
      return exited;
    },
    kill: async () => {
      child.kill("SIGKILL");
      await exited;
    },
    waitForOutput: (pattern, timeoutMs = 30_000) =>
      new Promise<void>((resolve, reject) => {
        const check = () => {
          if (pattern.test(log)) {
            waiters.delete(check);
            clearTimeout(timer);
            resolve();
          }
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`worker output never matched ${pattern}:\n${log}`));
        }, timeoutMs);
        waiters.add(check);
        check();
      }),
  };
}
