import { createHmac, timingSafeEqual } from "node:crypto";
import type { WebhookConfig } from "../core/channel-config";
import { publicMetadata } from "../core/metadata";
import type { Notification } from "../core/notification";
import { postJson } from "./http-result";
import type { Notifier } from "./notifier";

// Generic JSON webhook. The receiver checks X-LaneSwap-Signature = "sha256=" + hex HMAC-SHA256 of
// "<X-LaneSwap-Timestamp>.<raw body>" keyed with the channel's secret, and should refuse old timestamps.

export const SIGNATURE_HEADER = "X-LaneSwap-Signature";
export const TIMESTAMP_HEADER = "X-LaneSwap-Timestamp";

export function webhookBody(n: Notification) {
  return {
    event: n.kind,
    title: n.title,
    message: n.message,
    level: n.level,
    at: n.at,
    service: { ...n.service, metadata: publicMetadata(n.service.metadata) },
  };
}

export function signWebhook(secret: string, timestamp: string | number, body: string): string {
  return `sha256=${createHmac("sha256", secret).update(`${timestamp}.${body}`).digest("hex")}`;
}

/** True when `signature` is the signature of `timestamp` and `body` under `secret` (constant-time compare). */
export function verifyWebhookSignature(secret: string, timestamp: string | number, body: string, signature: string): boolean {
  const expected = Buffer.from(signWebhook(secret, timestamp, body));
  const given = Buffer.from(signature);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

export function webhookNotifier(config: WebhookConfig, now: () => number = Date.now): Notifier {
  return {
    send(notification, { signal }) {
      const body = JSON.stringify(webhookBody(notification));
      const timestamp = String(Math.floor(now() / 1000));
      return postJson(config.url, body, {
        signal,
        headers: { [TIMESTAMP_HEADER]: timestamp, [SIGNATURE_HEADER]: signWebhook(config.secret, timestamp, body) },
      });
    },
  };
}
