import { once } from "node:events";
import net from "node:net";
import { SMTPServer, type SMTPServerOptions } from "smtp-server";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { describeFlip, type Notification, type ServiceSnapshot } from "../../lib/core/notification";
import { createNotifier } from "../../lib/notify/create-notifier";
import { discordNotifier } from "../../lib/notify/discord";
import { emailNotifier } from "../../lib/notify/email";
import type { Notifier } from "../../lib/notify/notifier";
import { slackNotifier } from "../../lib/notify/slack";
import { verifyWebhookSignature, webhookNotifier } from "../../lib/notify/webhook";
import { startFakeDiscord, startFakeReceiver, startFakeSlack, type FakeDiscord } from "../helpers/fake-discord";

const service: ServiceSnapshot = {
  id: "svc_1",
  name: "billing-worker",
  status: "stale",
  message: null,
  metadata: { region: "eu-west-1", api_token: "tok_live_123", Password: "hunter2" },
  lastHeartbeat: "2025-03-04T05:05:07.123Z",
  staleThresholdSeconds: 60,
};
const notification: Notification = {
  kind: "flip",
  ...describeFlip({ from: "healthy", to: "stale" }, service),
  service,
  at: "2025-03-04T05:06:07.890Z",
};
const signal = () => AbortSignal.timeout(5_000);

/** A port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = net.createServer().listen(0, "127.0.0.1");
  await once(server, "listening");
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe("discord notifier", () => {
  let fake: FakeDiscord;
  let notifier: Notifier;
  beforeAll(async () => {
    fake = await startFakeDiscord();
    notifier = discordNotifier({ url: fake.url, defaultUsername: "LaneSwap" });
  });
  afterEach(() => void fake.reset());
  afterAll(() => fake.close());

  it("posts a payload Discord accepts (204)", async () => {
    const before = fake.received.length;
    expect(await notifier.send(notification, { signal: signal() })).toEqual({ ok: true });
    const [request] = (await fake.waitFor(before + 1)).slice(before);
    expect(request.headers["content-type"]).toBe("application/json");
    expect(request.body).toMatchObject({
      username: "LaneSwap",
      embeds: [{ title: "Service Stale: billing-worker", description: "No heartbeat received in 60 seconds", color: 0xf39c12 }],
    });
    expect(request.rawBody).not.toMatch(/tok_live|hunter2/);
  });

  it("uses the channel's own username and avatar", async () => {
    const custom = discordNotifier({ url: fake.url, username: "Ops", avatar_url: "https://example.com/a.png", defaultUsername: "LaneSwap" });
    const before = fake.received.length;
    expect(await custom.send(notification, { signal: signal() })).toEqual({ ok: true });
    expect(fake.received[before].body).toMatchObject({ username: "Ops", avatar_url: "https://example.com/a.png" });
  });

  it("429: retryable after retry_after", async () => {
    fake.rateLimit(1.5);
    const result = await notifier.send(notification, { signal: signal() });
    expect(result).toMatchObject({ ok: false, retryable: true, gone: false, retryAfterMs: 1500 });
    expect(!result.ok && result.error).toContain("429");
  });

  it("429 without a body: retryable after the Retry-After header", async () => {
    fake.script({ status: 429, headers: { "Retry-After": "7" } });
    expect(await notifier.send(notification, { signal: signal() })).toMatchObject({ ok: false, retryable: true, retryAfterMs: 7000 });
  });

  it("500: retryable, then delivered", async () => {
    fake.fail(500, 1);
    expect(await notifier.send(notification, { signal: signal() })).toMatchObject({ ok: false, retryable: true, gone: false });
    expect(await notifier.send(notification, { signal: signal() })).toEqual({ ok: true });
  });

  it("404 Unknown Webhook: gone", async () => {
    fake.gone();
    const result = await notifier.send(notification, { signal: signal() });
    expect(result).toMatchObject({ ok: false, retryable: false, gone: true });
    expect(!result.ok && result.error).toContain("Unknown Webhook");
    expect(!result.ok && result.error).not.toContain("fake-token");
  });

  it("400 bad payload: neither retryable nor gone", async () => {
    fake.script({ status: 400, body: { code: 50035, message: "Invalid Form Body", errors: {} } });
    expect(await notifier.send(notification, { signal: signal() })).toMatchObject({ ok: false, retryable: false, gone: false });
  });

  it("a hanging endpoint is cut off by the signal: retryable", async () => {
    fake.hang(1);
    const started = Date.now();
    const result = await notifier.send(notification, { signal: AbortSignal.timeout(200) });
    expect(result).toEqual({ ok: false, retryable: true, gone: false, error: "request timed out" });
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it("a refused connection is retryable; delivered again once the endpoint is back", async () => {
    await fake.down();
    try {
      const result = await notifier.send(notification, { signal: signal() });
      expect(result).toMatchObject({ ok: false, retryable: true, gone: false });
      expect(!result.ok && result.error).not.toContain("fake-token");
    } finally {
      await fake.up();
    }
    expect(await notifier.send(notification, { signal: signal() })).toEqual({ ok: true });
  });

  it("createNotifier builds it from a channel config", async () => {
    const fromConfig = createNotifier({ type: "discord", config: { url: fake.url } }, { discordUsername: "Monitor" });
    const before = fake.received.length;
    expect(await fromConfig.send(notification, { signal: signal() })).toEqual({ ok: true });
    expect(fake.received[before].body).toMatchObject({ username: "Monitor" });
  });
});

describe("slack notifier", () => {
  let fake: FakeDiscord;
  let notifier: Notifier;
  beforeAll(async () => {
    fake = await startFakeSlack();
    notifier = slackNotifier({ url: fake.url });
  });
  afterEach(() => void fake.reset());
  afterAll(() => fake.close());

  it("posts an attachment with the same fields and no secrets (200 ok)", async () => {
    expect(await notifier.send(notification, { signal: signal() })).toEqual({ ok: true });
    const [request] = await fake.waitFor(1);
    expect(request.body).toMatchObject({
      text: "Service Stale: billing-worker",
      attachments: [
        {
          color: "#f39c12",
          title: "Service Stale: billing-worker",
          text: "No heartbeat received in 60 seconds",
          fields: [
            { title: "Service Name", value: "billing-worker", short: true },
            { title: "Status", value: "stale", short: true },
            { title: "Last Heartbeat", value: "2025-03-04 05:05:07 UTC", short: true },
            { title: "Metadata", value: "*region*: eu-west-1", short: false },
          ],
          ts: Math.floor(Date.parse(notification.at) / 1000),
        },
      ],
    });
    expect(request.rawBody).not.toMatch(/tok_live|hunter2/);
  });

  it("404 no_service and 410 channel_is_archived: gone", async () => {
    fake.script({ status: 404, body: "no_service" }, { status: 410, body: "channel_is_archived" });
    expect(await notifier.send(notification, { signal: signal() })).toMatchObject({ ok: false, gone: true, retryable: false, error: "HTTP 404: no_service" });
    expect(await notifier.send(notification, { signal: signal() })).toMatchObject({ ok: false, gone: true, retryable: false });
  });

  it("429: retryable after Retry-After", async () => {
    fake.script({ status: 429, body: "rate_limited", headers: { "Retry-After": "3" } });
    expect(await notifier.send(notification, { signal: signal() })).toMatchObject({ ok: false, retryable: true, retryAfterMs: 3000 });
  });

  it("400 invalid_payload: not retryable", async () => {
    fake.script({ status: 400, body: "invalid_payload" });
    expect(await notifier.send(notification, { signal: signal() })).toMatchObject({ ok: false, retryable: false, gone: false });
  });
});

describe("webhook notifier", () => {
  const secret = "a-very-secret-signing-key";
  let fake: FakeDiscord;
  let notifier: Notifier;
  beforeAll(async () => {
    fake = await startFakeReceiver();
    notifier = webhookNotifier({ url: fake.url, secret });
  });
  afterEach(() => void fake.reset());
  afterAll(() => fake.close());

  it("posts a signed JSON body", async () => {
    expect(await notifier.send(notification, { signal: signal() })).toEqual({ ok: true });
    const [request] = await fake.waitFor(1);
    expect(request.headers["content-type"]).toBe("application/json");
    expect(request.body).toEqual({
      event: "flip",
      title: "Service Stale: billing-worker",
      message: "No heartbeat received in 60 seconds",
      level: "warning",
      at: notification.at,
      service: { ...service, metadata: { region: "eu-west-1" } },
    });

    const timestamp = request.headers["x-laneswap-timestamp"] as string;
    const signature = request.headers["x-laneswap-signature"] as string;
    expect(Math.abs(Number(timestamp) - Date.now() / 1000)).toBeLessThan(10);
    expect(signature).toMatch(/^sha256=[0-9a-f]{64}$/);
    expect(verifyWebhookSignature(secret, timestamp, request.rawBody, signature)).toBe(true);
    expect(verifyWebhookSignature("another-secret-of-some-length", timestamp, request.rawBody, signature)).toBe(false);
    expect(verifyWebhookSignature(secret, String(Number(timestamp) + 1), request.rawBody, signature)).toBe(false);
    expect(verifyWebhookSignature(secret, timestamp, request.rawBody.replace("warning", "info"), signature)).toBe(false);
    expect(verifyWebhookSignature(secret, timestamp, request.rawBody, "sha256=short")).toBe(false);
  });

  it("maps failures like the other HTTP channels", async () => {
    fake.fail(503, 1).script({ status: 410 }, { status: 422, body: { error: "nope" } });
    expect(await notifier.send(notification, { signal: signal() })).toMatchObject({ ok: false, retryable: true, gone: false });
    expect(await notifier.send(notification, { signal: signal() })).toMatchObject({ ok: false, retryable: false, gone: true });
    expect(await notifier.send(notification, { signal: signal() })).toMatchObject({ ok: false, retryable: false, gone: false, error: 'HTTP 422: {"error":"nope"}' });
  });
});

type Smtp = { port: number; messages: { from: string; to: string[]; raw: string }[]; close: () => Promise<void> };

async function startSmtp(options: Partial<SMTPServerOptions> = {}): Promise<Smtp> {
  const messages: Smtp["messages"] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ["STARTTLS"],
    logger: false,
    closeTimeout: 100,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on("data", (c: Buffer) => chunks.push(c));
      stream.on("end", () => {
        messages.push({
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : "",
          to: session.envelope.rcptTo.map((r) => r.address),
          raw: Buffer.concat(chunks).toString("utf8"),
        });
        callback();
      });
    },
    ...options,
  });
  server.listen(0, "127.0.0.1");
  await once(server.server, "listening");
  const { port } = server.server.address() as net.AddressInfo;
  return { port, messages, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

const smtpError = (message: string, responseCode: number) => Object.assign(new Error(message), { responseCode });
const emailConfig = (port: number) => ({ host: "127.0.0.1", port, secure: false, from: "monitor@example.com", to: ["ops@example.com", "oncall@example.com"] });

describe("email notifier", () => {
  const servers: Smtp[] = [];
  const start = async (options?: Partial<SMTPServerOptions>) => {
    const s = await startSmtp(options);
    servers.push(s);
    return s;
  };
  afterAll(async () => {
    await Promise.all(servers.map((s) => s.close()));
  });

  it("delivers the message with the title as subject and the details in the body", async () => {
    const smtp = await start();
    expect(await emailNotifier(emailConfig(smtp.port)).send(notification, { signal: signal() })).toEqual({ ok: true });
    expect(smtp.messages).toHaveLength(1);
    const [mail] = smtp.messages;
    expect(mail.from).toBe("monitor@example.com");
    expect(mail.to).toEqual(["ops@example.com", "oncall@example.com"]);
    expect(mail.raw).toMatch(/^Subject: Service Stale: billing-worker\r?$/m);
    const body = mail.raw.split(/\r?\n\r?\n/).slice(1).join("\n\n");
    expect(body).toContain("No heartbeat received in 60 seconds");
    expect(body).toContain("Level: warning");
    expect(body).toContain("Service: billing-worker");
    expect(body).toContain("Status: stale");
    expect(body).toContain("Last heartbeat: 2025-03-04 05:05:07 UTC");
    expect(body).toContain("region: eu-west-1");
    expect(mail.raw).not.toMatch(/tok_live|hunter2|api_token|Password/);
  });

  it("works through createNotifier", async () => {
    const smtp = await start();
    const notifier = createNotifier({ type: "email", config: emailConfig(smtp.port) }, { discordUsername: "LaneSwap" });
    expect(await notifier.send(notification, { signal: signal() })).toEqual({ ok: true });
    expect(smtp.messages).toHaveLength(1);
  });

  it("550 on RCPT: not retryable", async () => {
    const smtp = await start({ onRcptTo: (_a, _s, cb) => cb(smtpError("Mailbox unavailable", 550)) });
    const result = await emailNotifier(emailConfig(smtp.port)).send(notification, { signal: signal() });
    expect(result).toMatchObject({ ok: false, retryable: false, gone: false });
    expect(!result.ok && result.error).toContain("550");
  });

  it("451 on RCPT: retryable", async () => {
    const smtp = await start({ onRcptTo: (_a, _s, cb) => cb(smtpError("Try again later", 451)) });
    expect(await emailNotifier(emailConfig(smtp.port)).send(notification, { signal: signal() })).toMatchObject({ ok: false, retryable: true, gone: false });
  });

  it("535 authentication failure: gone", async () => {
    const smtp = await start({
      authOptional: false,
      allowInsecureAuth: true,
      onAuth: (_auth, _s, cb) => cb(smtpError("Invalid username or password", 535)),
    });
    const notifier = emailNotifier({ ...emailConfig(smtp.port), user: "monitor", password: "wrong" });
    const result = await notifier.send(notification, { signal: signal() });
    expect(result).toMatchObject({ ok: false, retryable: false, gone: true });
    expect(!result.ok && result.error).not.toContain("wrong");
  });

  it("a refused connection: retryable", async () => {
    const port = await closedPort();
    expect(await emailNotifier(emailConfig(port)).send(notification, { signal: signal() })).toMatchObject({ ok: false, retryable: true, gone: false });
  });

  it("a server that never answers the data is cut off by the signal: retryable", async () => {
    const smtp = await start({ onData: (stream) => stream.resume() }); // never calls back
    const started = Date.now();
    const result = await emailNotifier(emailConfig(smtp.port)).send(notification, { signal: AbortSignal.timeout(300) });
    expect(result).toEqual({ ok: false, retryable: true, gone: false, error: "SMTP timed out" });
    expect(Date.now() - started).toBeLessThan(3_000);
  });
});
