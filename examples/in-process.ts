// The quick start of the original LaneSwap, in TypeScript: the monitor runs inside this process, keeps its
// services in memory (or in LaneSwap's SQLite database with SQLITE_PATH=./data/laneswap.db), and tells a notifier
// when a service changes status or goes quiet.
//
//   npx tsx examples/in-process.ts
//
// STALE_THRESHOLD (seconds, default 3) is how long the example's service may stay quiet; at the end it goes quiet
// on purpose to show a stale alert. In your own project, import from "laneswap" and "laneswap/sqlite".
import {
  heartbeatSystem,
  memoryStorage,
  registerService,
  sendHeartbeat,
  withHeartbeat,
  type Notifier,
} from "../lib/client/index.js";
import { sqliteStorage } from "../lib/embedded/sqlite.js";

// Any object with send() is a notifier; discordNotifier({ webhookUrl }) from "laneswap" posts to Discord instead.
const consoleNotifier: Notifier = {
  async send(notification) {
    console.log(`[${notification.level}] ${notification.title}: ${notification.message}`);
    return { ok: true };
  },
};

const staleThreshold = Number(process.env.STALE_THRESHOLD ?? 3);

await using system = await heartbeatSystem({
  notifiers: [consoleNotifier],
  storage: process.env.SQLITE_PATH ? sqliteStorage({ path: process.env.SQLITE_PATH }) : memoryStorage(),
  checkInterval: 30,
  staleThreshold,
});

const serviceId = await registerService({
  serviceName: "my-api-service",
  metadata: { version: "1.0.0", environment: "production" },
});

await sendHeartbeat({ serviceId, status: "warning", message: "Warming up" });
await sendHeartbeat({ serviceId, status: "healthy", message: "Service is running normally" });

const processData = withHeartbeat(
  async function processData() {
    await new Promise((resolve) => setTimeout(resolve, 300)); // your service logic here
    return { processed: true };
  },
  { serviceId },
);
console.log("processData →", JSON.stringify(await processData()));

// Now go quiet: once the threshold passes, the system marks the service stale and the notifier hears of it.
console.log(`waiting ${staleThreshold} s without heartbeats…`);
await new Promise((resolve) => setTimeout(resolve, staleThreshold * 1000 + 1000));
await system.flush();
const service = await system.getService(serviceId);
console.log(`final status: ${service.status}`);
