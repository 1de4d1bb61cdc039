// What the benchmarks under scripts/bench share: argument checks, progress on stderr, and a clean-up registry that
// runs on success, failure, Ctrl-C and a watchdog alike.

export const log = (...args: unknown[]) => console.error("[bench]", ...args);
export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** An option that must be an integer from 1 to max; exits with code 2 and says which option otherwise. */
export function positiveInt(name: string, raw: string, max: number): number {
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1 || n > max) {
    console.error(`--${name} must be an integer from 1 to ${max} (got ${raw})`);
    process.exit(2);
  }
  return n;
}

const cleanups: (() => Promise<void>)[] = [];
const beforeCleanup: (() => void)[] = [];
let cleaningUp: Promise<void> | null = null;

/** Registers how to remove something this run made; steps run newest first. */
export function onCleanup(step: () => Promise<void>): void {
  cleanups.push(step);
}

/** Runs first when clean-up starts (stopping load generators, say). */
export function onCleanupStart(step: () => void): void {
  beforeCleanup.push(step);
}

export function cleanupStarted(): boolean {
  return cleaningUp !== null;
}

/** Runs every registered step once, however often it is called. */
export function cleanup(): Promise<void> {
  cleaningUp ??= (async () => {
    for (const step of beforeCleanup) step();
    while (cleanups.length) {
      const step = cleanups.pop()!;
      await step().catch((e) => log("clean-up step failed:", (e as Error).message));
    }
  })();
  return cleaningUp;
}

export async function abort(reason: string, code: number): Promise<never> {
  log(reason);
  await cleanup();
  process.exit(code);
}

/** Cleans up on Ctrl-C, SIGTERM and crashes, and aborts the run after budgetMs; returns the watchdog timer. */
export function guardRun(budgetMs: number): NodeJS.Timeout {
  process.on("SIGINT", () => void abort("interrupted; cleaning up", 130));
  process.on("SIGTERM", () => void abort("terminated; cleaning up", 143));
  process.on("uncaughtException", (e) => void abort(`uncaught: ${e.stack ?? e}`, 1));
  process.on("unhandledRejection", (e) => void abort(`unhandled rejection: ${(e as Error)?.stack ?? e}`, 1));
  return setTimeout(() => void abort(`run exceeded its ${Math.round(budgetMs / 1000)} s budget; aborting`, 1), budgetMs);
}
