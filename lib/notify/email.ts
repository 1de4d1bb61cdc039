import nodemailer, { type NodemailerError } from "nodemailer";
import { formatDiscordTime, publicMetadataEntries } from "../core/discord-payload";
import type { EmailConfig } from "../core/channel-config";
import type { Notification } from "../core/notification";
import type { Notifier, SendResult } from "./notifier";

// E-mail over SMTP. One connection per message (no pool): notifications are rare and a pool would hold sockets
// open between them. options.signal is handed to nodemailer, which closes the connection when it aborts.

/** The plain-text body: the message, then the service's fields and its public metadata. */
export function emailText(n: Notification): string {
  const { service } = n;
  const lines = [
    n.message,
    "",
    `Level: ${n.level}`,
    `Service: ${service.name}`,
    `Status: ${service.status}`,
    ...(service.message ? [`Service message: ${service.message}`] : []),
    `Last heartbeat: ${formatDiscordTime(service.lastHeartbeat)}`,
    `Stale threshold: ${Math.round(service.staleThresholdSeconds)} seconds`,
    `Time: ${formatDiscordTime(n.at)}`,
    ...(n.monitorUrl ? [`Monitor: ${n.monitorUrl}`] : []),
  ];
  const metadata = publicMetadataEntries(service.metadata);
  if (metadata.length > 0) lines.push("", "Metadata:", ...metadata.map(([key, value]) => `  ${key}: ${value}`));
  return `${lines.join("\n")}\n`;
}

const RETRYABLE_CODES = new Set(["ECONNECTION", "ETIMEDOUT", "ESOCKET", "EDNS", "ETLS", "EPROXY", "EPROTOCOL", "EMAXLIMIT"]);
const AUTH_REJECTED = new Set([530, 534, 535]);

/** Maps a nodemailer error to a SendResult. */
export function resultFromSmtpError(err: unknown, signal?: AbortSignal): SendResult {
  const e = (err ?? {}) as NodemailerError;
  const code = typeof e.code === "string" ? e.code : undefined;
  const responseCode = typeof e.responseCode === "number" ? e.responseCode : undefined;
  const detail = [code, responseCode, (e.response ?? e.message ?? String(err)).slice(0, 200)].filter(Boolean).join(" ");
  const fail = (retryable: boolean, gone = false): SendResult => ({ ok: false, retryable, gone, error: `SMTP ${detail}` });

  if (signal?.aborted || code === "EABORT" || e.name === "AbortError") {
    const timedOut = signal?.reason instanceof Error && signal.reason.name === "TimeoutError";
    return { ok: false, retryable: true, gone: false, error: `SMTP ${timedOut ? "timed out" : "aborted"}` };
  }
  // Credentials refused for good: the channel is broken until someone fixes it (454 is a temporary auth failure).
  if (code === "ENOAUTH" || (code === "EAUTH" && (responseCode === undefined || AUTH_REJECTED.has(responseCode)))) {
    return fail(false, true);
  }
  if (responseCode !== undefined) {
    if (responseCode >= 500 && responseCode !== 503) return fail(false); // 550 mailbox unavailable, 554 rejected, …
    return fail(true); // 4xx: try again later; 503 bad sequence: a new connection may do
  }
  if (code === "ECONFIG" || code === "EENVELOPE" || code === "EMESSAGE") return fail(false);
  if (code !== undefined && RETRYABLE_CODES.has(code)) return fail(true);
  return fail(true); // unknown: most likely a network problem
}

export function emailNotifier(config: EmailConfig): Notifier {
  const transport = nodemailer.createTransport({
    host: config.host,
    port: config.port,
    secure: config.secure,
    ...(config.user ? { auth: { user: config.user, pass: config.password ?? "" } } : {}),
    connectionTimeout: 15_000,
    greetingTimeout: 15_000,
    socketTimeout: 30_000,
    socketCloseTimeout: 1_000,
  });
  return {
    async send(notification, { signal }) {
      try {
        await transport.sendMail({
          from: config.from,
          to: config.to,
          subject: notification.title.replace(/[\r\n]+/g, " "),
          text: emailText(notification),
          signal,
        });
        return { ok: true };
      } catch (err) {
        return resultFromSmtpError(err, signal);
      }
    },
  };
}
