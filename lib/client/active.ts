import { LaneSwapClient, type LaneSwapClientOptions } from "./client.js";
import type { HeartbeatSystem } from "./system.js";

// What the top-level registerService, sendHeartbeat and withHeartbeat talk to: the most recently started
// heartbeatSystem that is still running, else the default client (configured from the environment: API_URL,
// LANESWAP_API_KEY; or with configure()).

const systems: HeartbeatSystem[] = [];
let defaultClient: LaneSwapClient | undefined;

export function enterSystem(system: HeartbeatSystem): void {
  systems.push(system);
}

export function leaveSystem(system: HeartbeatSystem): void {
  const index = systems.lastIndexOf(system);
  if (index >= 0) systems.splice(index, 1);
}

/** The running heartbeatSystem the top-level functions use, if any. */
export function activeSystem(): HeartbeatSystem | undefined {
  return systems[systems.length - 1];
}

/** The client the top-level functions use when no heartbeatSystem runs; created from the environment on first use. */
export function getDefaultClient(): LaneSwapClient {
  defaultClient ??= new LaneSwapClient({ autoHeartbeat: false });
  return defaultClient;
}

/** Replaces the default client (its automatic heartbeats are off unless you ask for them). */
export function configure(options: LaneSwapClientOptions): LaneSwapClient {
  const previous = defaultClient;
  defaultClient = new LaneSwapClient({ autoHeartbeat: false, ...options });
  void previous?.close();
  return defaultClient;
}

export function activeTarget(): HeartbeatSystem | LaneSwapClient {
  return activeSystem() ?? getDefaultClient();
}
