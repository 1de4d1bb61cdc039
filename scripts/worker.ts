// npm run worker — the monitor on its own (npm start runs it beside the web server): marks services stale when
// their deadlines pass and delivers notifications. Stops cleanly on SIGTERM/SIGINT.
import { MonitorWorker } from "../lib/monitor/worker";
import { scriptCtx } from "./cli-context";

const ctx = await scriptCtx();
const controller = new AbortController();
const worker = new MonitorWorker(ctx, {
  onError: (where, error) => console.error(`[laneswap worker] ${where} failed; retrying:`, error),
  onSweep: (r) => {
    if (ctx.config.debug && r.marked) console.log(`[laneswap worker] marked ${r.marked} stale`);
  },
});
for (const signal of ["SIGTERM", "SIGINT"] as const) {
  process.on(signal, () => {
    if (controller.signal.aborted) process.exit(1);
    console.log(`[laneswap worker] ${signal}: finishing the current pass`);
    controller.abort();
  });
}
console.log(`[laneswap worker] ${worker.id} watching ${ctx.config.provider} (full sweep every ${ctx.config.checkIntervalSeconds} s)`);
await worker.run(controller.signal);
await ctx.db.$disconnect();
console.log("[laneswap worker] stopped");
