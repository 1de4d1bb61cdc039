import type { ClientStatus, HeartbeatTarget } from "./types.js";

// withHeartbeat and the @heartbeat decorator: `busy` before the work, the success status with its execution time
// after it, the error status when it throws, and then the very error it threw. A heartbeat that cannot be sent is
// reported to the target's onError and never changes what the wrapped function returns or throws.

export type WithHeartbeatOptions = {
  /** The service to report for; defaults to the client's own service. */
  serviceId?: string;
  /** Sent when the function returns (default `healthy`). */
  successStatus?: ClientStatus;
  /** Sent when it throws (default `error`). */
  errorStatus?: ClientStatus;
  /** Where the heartbeats go: a LaneSwapClient or a heartbeatSystem; default: the running heartbeatSystem, else
   * the default client configured from the environment. */
  client?: HeartbeatTarget;
  /** The operation's name in the messages; default: the function's (or method's) name. */
  name?: string;
};

/** The server keeps messages up to 2000 characters; a longer error message would have the heartbeat rejected. */
const MAX_MESSAGE = 2000;

function clip(text: string): string {
  return text.length > MAX_MESSAGE ? `${text.slice(0, MAX_MESSAGE - 1)}…` : text;
}

function errorText(error: unknown): string {
  if (error instanceof Error) return error.message || error.name;
  try {
    return typeof error === "string" ? error : JSON.stringify(error) ?? String(error);
  } catch {
    return String(error);
  }
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (typeof value === "object" || typeof value === "function") && value !== null && typeof (value as { then?: unknown }).then === "function";
}

/** A heartbeat that resolves whatever happens; failures go to the target's error hook (or nowhere). */
function sendQuietly(target: HeartbeatTarget, options: Parameters<HeartbeatTarget["sendHeartbeat"]>[0]): Promise<void> {
  const report = (error: unknown) => {
    try {
      target.reportError?.(error, { operation: "with-heartbeat", serviceId: options.serviceId });
    } catch {
      // an onError hook that throws must not break the wrapped function either
    }
  };
  try {
    return Promise.resolve(target.sendHeartbeat(options)).then(() => undefined, report);
  } catch (error) {
    report(error);
    return Promise.resolve();
  }
}

/**
 * Wraps `fn`. `resolveTarget` is asked on every call, so a function wrapped before a heartbeatSystem starts reports
 * to it once it runs. Async functions (anything returning a promise) resolve after the final heartbeat was sent or
 * given up; synchronous ones return at once and their final heartbeat follows in the background.
 */
export function wrapWithHeartbeat<This, A extends unknown[], R>(
  fn: (this: This, ...args: A) => R,
  options: WithHeartbeatOptions,
  resolveTarget: () => HeartbeatTarget,
): (this: This, ...args: A) => R {
  if (typeof fn !== "function") throw new TypeError("withHeartbeat: the first argument must be a function");
  const name = options.name ?? (fn.name || "anonymous");
  const successStatus = options.successStatus ?? "healthy";
  const errorStatus = options.errorStatus ?? "error";
  const wrapped = function (this: This, ...args: A): R {
    const target = options.client ?? resolveTarget();
    const serviceId = options.serviceId;
    const started = performance.now();
    const seconds = () => Math.round(performance.now() - started) / 1000;
    // Not awaited: the work starts at once even when LaneSwap is slow or down; the final heartbeat waits for it,
    // so the two always arrive in order.
    const busy = sendQuietly(target, { serviceId, status: "busy", message: `Starting operation: ${name}` });
    const succeeded = () =>
      busy.then(() =>
        sendQuietly(target, {
          serviceId,
          status: successStatus,
          message: `Operation completed: ${name}`,
          metadata: { execution_time: seconds() },
        }),
      );
    const failed = (error: unknown) => {
      const time = seconds();
      return busy.then(() =>
        sendQuietly(target, {
          serviceId,
          status: errorStatus,
          message: clip(`Operation failed: ${name} - ${errorText(error)}`),
          metadata: { execution_time: time },
        }),
      );
    };
    let result: R;
    try {
      result = fn.apply(this, args);
    } catch (error) {
      target.track?.(failed(error));
      throw error;
    }
    if (isThenable(result)) {
      return (async () => {
        let value: unknown;
        try {
          value = await result;
        } catch (error) {
          await failed(error);
          throw error;
        }
        await succeeded();
        return value;
      })() as R;
    }
    target.track?.(succeeded());
    return result;
  };
  Object.defineProperty(wrapped, "name", { value: name, configurable: true });
  return wrapped;
}

/** The standard (TC39) method decorator doing what withHeartbeat does, named after the method. */
export function heartbeatDecorator(options: WithHeartbeatOptions, resolveTarget: () => HeartbeatTarget) {
  return function <This, A extends unknown[], R>(
    method: (this: This, ...args: A) => R,
    context: ClassMethodDecoratorContext<This, (this: This, ...args: A) => R>,
  ): (this: This, ...args: A) => R {
    if (context.kind !== "method") throw new TypeError("@heartbeat decorates methods only");
    return wrapWithHeartbeat(method, { ...options, name: options.name ?? String(context.name) }, resolveTarget);
  };
}
