import { activeTarget } from "./active.js";
import type { HeartbeatOptions, RegisterServiceOptions, ServiceStatus } from "./types.js";
import { heartbeatDecorator, wrapWithHeartbeat, type WithHeartbeatOptions } from "./with-heartbeat.js";

// The original's module-level functions: bound to the running heartbeatSystem while one runs, else to the default
// client (API_URL and LANESWAP_API_KEY from the environment, or configure()).

/** Registers a service and returns its id. */
export async function registerService(options: RegisterServiceOptions | string): Promise<string> {
  return activeTarget().registerService(options);
}

/** Sends a heartbeat (`status` defaults to healthy) and returns the service as it is now. */
export async function sendHeartbeat(options: HeartbeatOptions): Promise<ServiceStatus> {
  return activeTarget().sendHeartbeat(options);
}

/** One service with its newest events. */
export async function getService(serviceId: string): Promise<ServiceStatus> {
  return activeTarget().getService(serviceId);
}

/**
 * Wraps a function, sync or async: `busy` ("Starting operation: <name>") before, the success status ("Operation
 * completed: <name>", metadata.execution_time in seconds) after, the error status ("Operation failed: <name> -
 * <message>") when it throws, then the same error is thrown again. A heartbeat that fails never changes what the
 * function returns or throws.
 */
export function withHeartbeat<This, A extends unknown[], R>(
  fn: (this: This, ...args: A) => R,
  options: WithHeartbeatOptions = {},
): (this: This, ...args: A) => R {
  return wrapWithHeartbeat(fn, options, activeTarget);
}

/**
 * The same as a standard method decorator:
 *
 *     class Importer { @heartbeat({ serviceId: "importer" }) async run() { … } }
 */
export function heartbeat(options: WithHeartbeatOptions = {}) {
  return heartbeatDecorator(options, activeTarget);
}
