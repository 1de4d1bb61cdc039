import type { Notification } from "../core/notification.js";
import type { Notifier, SendResult } from "../notify/notifier.js";
import { LaneSwapError } from "./errors.js";
import { backoffDelayMs, sleep, withTimeout } from "./http.js";

// One notification to one notifier, for heartbeatSystem: a timeout on each try, up to three tries for retryable
// failures (a thrown error counts as one), and a report when it is given up. Never throws.

const NOTIFY_ATTEMPTS = 3;

function isSuccess(result: SendResult | boolean | undefined | null): boolean {
  // Lenient with hand-written notifiers that return nothing or true.
  return result === undefined || result === true || (typeof result === "object" && result !== null && result.ok === true);
}

export async function deliverNotification(options: {
  notifier: Notifier;
  index: number;
  notification: Notification;
  timeoutMs: number;
  /** Aborted when the system stops: no more waiting to retry. */
  stopping: AbortSignal;
  report: (error: LaneSwapError) => void;
}): Promise<void> {
  const { notifier, index, notification, timeoutMs, stopping, report } = options;
  const giveUp = (why: string) =>
    report(new LaneSwapError({ status: null, code: "notify_failed", detail: `Notifier ${index + 1} could not send "${notification.title}"${why}` }));
  for (let attempt = 1; ; attempt++) {
    let result: SendResult;
    try {
      const answer = (await withTimeout(timeoutMs, undefined, (signal) => notifier.send(notification, { signal }))) as
        | SendResult
        | boolean
        | undefined;
      if (isSuccess(answer)) return;
      result = typeof answer === "object" && answer ? answer : { ok: false, retryable: false, gone: false, error: "the notifier returned false" };
    } catch (error) {
      result = { ok: false, retryable: true, gone: false, error: error instanceof Error ? error.message : String(error) };
    }
    if (result.ok) return;
    if (!result.retryable || attempt >= NOTIFY_ATTEMPTS || stopping.aborted) return giveUp(`: ${result.error}`);
    const wait = result.retryAfterMs ?? backoffDelayMs(attempt, { retries: NOTIFY_ATTEMPTS, minDelayMs: 500, maxDelayMs: 5_000 });
    const stopped = await sleep(wait, stopping, true).then(
      () => false,
      () => true,
    );
    if (stopped) return giveUp(` before the system stopped: ${result.error}`);
  }
}
