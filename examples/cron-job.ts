// A cron job wrapped with withHeartbeat: LaneSwap sees `busy` while it runs, then `healthy` with its execution
// time, or `error` with the reason, and alerts when the job stops running at all (its threshold passes).
//
//   API_URL=http://localhost:8000 LANESWAP_API_KEY=lsk_… npx tsx examples/cron-job.ts
//
// SERVICE_ID (default "nightly-report") names the job; FAIL=1 makes it fail. In your own project, import from
// "laneswap".
import { registerService, withHeartbeat } from "../lib/client/index.js";

// Registering again with the same id is harmless: it updates the name and merges the metadata.
const serviceId = await registerService({
  serviceName: "Nightly report",
  serviceId: process.env.SERVICE_ID ?? "nightly-report",
  metadata: { schedule: "0 3 * * *" },
  staleThreshold: 26 * 3600, // a daily job: stale when a run is more than two hours late
});

const buildReport = withHeartbeat(
  async function buildReport(day: string) {
    await new Promise((resolve) => setTimeout(resolve, 200)); // the real work
    if (process.env.FAIL === "1") throw new Error(`no data for ${day}`);
    return { day, rows: 1234 };
  },
  { serviceId },
);

try {
  const report = await buildReport(new Date().toISOString().slice(0, 10));
  console.log(`report done: ${JSON.stringify(report)}`);
} catch (error) {
  console.error(`report failed: ${(error as Error).message}`);
  process.exitCode = 1;
}
