import type { Notification } from "../core/notification";

/**
 * The outcome of one send. `retryable` failures are tried again with backoff (`retryAfterMs` when the endpoint
 * said how long to wait, as Discord's 429 does); `gone` means the endpoint says it no longer exists or refuses us
 * (404, 401, 403), and the channel is marked broken.
 */
export type SendResult =
  | { ok: true }
  | { ok: false; retryable: boolean; gone: boolean; error: string; retryAfterMs?: number };

/** Every channel type implements this one interface. */
export type Notifier = {
  send(notification: Notification, options: { signal: AbortSignal }): Promise<SendResult>;
};
