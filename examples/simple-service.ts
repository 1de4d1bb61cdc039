// A service that registers with LaneSwap and reports on an interval, with LaneSwapClient.
//
//   API_URL=http://localhost:8000 LANESWAP_API_KEY=lsk_… npx tsx examples/simple-service.ts
//
// SERVICE_ID (default "simple-service"), HEARTBEAT_INTERVAL (seconds, default 5) and BEATS (stop after that many
// heartbeats; default: run until Ctrl-C) change what it does. In your own project, import from "laneswap".
import { LaneSwapClient, LaneSwapError } from "../lib/client/index.js";

const serviceId = process.env.SERVICE_ID ?? "simple-service";
const interval = Number(process.env.HEARTBEAT_INTERVAL ?? 5);
const beats = Number(process.env.BEATS ?? Infinity);

await using client = new LaneSwapClient({
  // apiUrl and apiKey come from API_URL and LANESWAP_API_KEY.
  serviceName: "Simple Service",
  serviceId, // a stable id: restarting the service reports to the same entry
  metadata: { version: "1.0.0", pid: process.pid },
  autoHeartbeat: false, // this example reports by itself below; see docs/client.md for automatic heartbeats
  onError: (error) => console.error(`LaneSwap: ${error.message}`),
});

try {
  await client.connect();
  console.log(`Registered ${client.serviceId}; monitor it at ${await client.getMonitorUrl()}`);
} catch (error) {
  // Monitoring is not the service's job: without LaneSwap it runs all the same.
  if (!(error instanceof LaneSwapError)) throw error;
  console.error(`LaneSwap unavailable, running without it: ${error.message}`);
}

let stopping = false;
process.once("SIGINT", () => (stopping = true));

for (let beat = 1; beat <= beats && !stopping; beat++) {
  const load = Math.round(Math.random() * 100);
  const status = load > 90 ? "warning" : "healthy";
  try {
    const service = await client.sendHeartbeat({ status, message: `beat ${beat}: load ${load}%`, metadata: { load, beat } });
    console.log(`beat ${beat}: ${service.status} (${service.message})`);
  } catch (error) {
    // LaneSwap being down must not stop the service: note it and carry on.
    if (!(error instanceof LaneSwapError)) throw error;
    console.error(`beat ${beat} not delivered: ${error.message}`);
  }
  if (beat < beats) await new Promise((resolve) => setTimeout(resolve, interval * 1000));
}
console.log("stopped");
