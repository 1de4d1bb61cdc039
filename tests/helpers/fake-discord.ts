import { once } from "node:events";
import http, { type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from "node:http";
import type { Socket } from "node:net";

// A local stand-in for a Discord webhook (also usable as a Slack or generic webhook receiver): it checks payloads
// the way Discord does, records what it accepts, and can be told to rate-limit, fail, vanish, hang or go down.

// ---------------------------------------------------------------------------------------------------------------
// Discord's payload rules, as a pure function so unit tests can use them too.

export type DiscordViolation = { path: (string | number)[]; code: string; message: string };

/** Discord counts characters as code points. */
const chars = (s: string) => [...s].length;

function isHttpUrl(value: unknown): boolean {
  if (typeof value !== "string") return false;
  try {
    return /^https?:$/.test(new URL(value).protocol);
  } catch {
    return false;
  }
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

/** Every way `payload` breaks Discord's webhook rules; an empty array means Discord would accept it. */
export function validateDiscordPayload(payload: unknown): DiscordViolation[] {
  const out: DiscordViolation[] = [];
  const bad = (path: (string | number)[], code: string, message: string) => out.push({ path, code, message });
  const str = (path: (string | number)[], v: unknown, max: number, required = false): string | undefined => {
    if (v === undefined || v === null) {
      if (required) bad(path, "BASE_TYPE_REQUIRED", "This field is required");
      return undefined;
    }
    if (typeof v !== "string") return void bad(path, "STRING_TYPE_CONVERT", "Could not interpret value as string.");
    if (chars(v) > max) bad(path, "BASE_TYPE_MAX_LENGTH", `Must be ${max} or fewer in length.`);
    if (required && v.trim() === "") bad(path, "BASE_TYPE_REQUIRED", "This field is required");
    return v;
  };

  if (!isObject(payload)) {
    bad([], "DICT_TYPE_CONVERT", "Only dictionaries may be used in a DictType");
    return out;
  }
  str(["content"], payload.content, 2000);
  const username = str(["username"], payload.username, 80);
  if (username !== undefined) {
    if (chars(username.trim()) < 1) bad(["username"], "BASE_TYPE_BAD_LENGTH", "Must be between 1 and 80 in length.");
    if (/discord|clyde/i.test(username) || /^(everyone|here)$/i.test(username.trim())) {
      bad(["username"], "USERNAME_INVALID_CONTAINS", `Username cannot contain "discord" or "clyde"`);
    }
  }
  if (payload.avatar_url !== undefined && !isHttpUrl(payload.avatar_url)) bad(["avatar_url"], "URL_TYPE_INVALID_URL", "Not a well formed URL.");

  const embeds = payload.embeds ?? [];
  if (!Array.isArray(embeds)) {
    bad(["embeds"], "LIST_TYPE_CONVERT", "Only iterables may be used in a ListType");
    return out;
  }
  if (embeds.length > 10) bad(["embeds"], "BASE_TYPE_MAX_LENGTH", "Must be 10 or fewer in length.");
  if (embeds.length === 0 && !(typeof payload.content === "string" && payload.content.trim() !== "")) {
    bad([], "EMPTY_MESSAGE", "Cannot send an empty message");
  }
  let total = 0;
  embeds.forEach((embed: unknown, i) => {
    const at = (...p: (string | number)[]) => ["embeds", i, ...p];
    if (!isObject(embed)) return void bad(at(), "DICT_TYPE_CONVERT", "Only dictionaries may be used in a DictType");
    total += chars(str(at("title"), embed.title, 256) ?? "");
    total += chars(str(at("description"), embed.description, 4096) ?? "");
    if (embed.url !== undefined && !isHttpUrl(embed.url)) bad(at("url"), "URL_TYPE_INVALID_URL", "Not a well formed URL.");
    if (embed.color !== undefined && !(Number.isInteger(embed.color) && (embed.color as number) >= 0 && (embed.color as number) <= 0xffffff)) {
      bad(at("color"), "NUMBER_TYPE_COERCE", "Value is not a valid color.");
    }
    if (embed.timestamp !== undefined && (typeof embed.timestamp !== "string" || Number.isNaN(Date.parse(embed.timestamp)))) {
      bad(at("timestamp"), "DATE_TYPE_PARSE", "Could not parse timestamp. Should be ISO8601.");
    }
    if (isObject(embed.footer)) total += chars(str(at("footer", "text"), embed.footer.text, 2048, true) ?? "");
    if (isObject(embed.author)) total += chars(str(at("author", "name"), embed.author.name, 256, true) ?? "");
    const fields = embed.fields ?? [];
    if (!Array.isArray(fields)) return void bad(at("fields"), "LIST_TYPE_CONVERT", "Only iterables may be used in a ListType");
    if (fields.length > 25) bad(at("fields"), "BASE_TYPE_MAX_LENGTH", "Must be 25 or fewer in length.");
    fields.forEach((field: unknown, j) => {
      if (!isObject(field)) return void bad(at("fields", j), "DICT_TYPE_CONVERT", "Only dictionaries may be used in a DictType");
      total += chars(str(at("fields", j, "name"), field.name, 256, true) ?? "");
      total += chars(str(at("fields", j, "value"), field.value, 1024, true) ?? "");
      if (field.inline !== undefined && typeof field.inline !== "boolean") bad(at("fields", j, "inline"), "BOOLEAN_TYPE_CONVERT", "Must be either true or false.");
    });
  });
  if (total > 6000) bad(["embeds"], "MAX_EMBED_SIZE_EXCEEDED", "Embed size exceeds maximum size of 6000");
  return out;
}

/** Discord's 400 body for the violations: `{code: 50035, message: "Invalid Form Body", errors: {…nested…}}`. */
export function discordFormError(violations: DiscordViolation[]) {
  const errors: Record<string, unknown> = {};
  for (const v of violations) {
    let node = errors;
    for (const key of v.path) node = (node[String(key)] ??= {}) as Record<string, unknown>;
    ((node._errors ??= []) as unknown[]).push({ code: v.code, message: v.message });
  }
  return { code: 50035, errors, message: "Invalid Form Body" };
}

// ---------------------------------------------------------------------------------------------------------------
// The receiver.

export type ScriptedResponse =
  | { status: number; body?: unknown; headers?: Record<string, string> }
  | "hang";

export type ReceivedRequest = {
  /** Date.now() when the request body had arrived. */
  at: number;
  method: string;
  /** Path and query. */
  path: string;
  headers: IncomingHttpHeaders;
  rawBody: string;
  /** The parsed JSON body, or undefined when it was not JSON. */
  body: unknown;
};

export type FakeReceiverOptions = {
  /** Check payloads against Discord's rules (default true); 400 when they break one. */
  validate?: boolean;
  /** The answer to an accepted request: Discord's is 204 without a body, Slack's is 200 "ok". */
  success?: { status: number; body?: unknown; headers?: Record<string, string> };
  /** The path of `url` (default a Discord-looking webhook path). */
  path?: string;
  /**
   * Think this long before answering an accepted request. A client that goes away meanwhile (a killed worker) never
   * learns it was accepted: such requests land in `abandoned`, not `received`.
   */
  delayMs?: number;
};

export class FakeDiscord {
  /** Requests that were accepted (answered with the success response), in arrival order. */
  readonly received: ReceivedRequest[] = [];
  /** Accepted requests whose sender went away before the answer (see `delayMs`). */
  readonly abandoned: ReceivedRequest[] = [];
  /** Every request that arrived, whatever it was answered. */
  readonly requests: ReceivedRequest[] = [];
  private readonly queue: ScriptedResponse[] = [];
  private mode: ScriptedResponse | null = null;
  private readonly sockets = new Set<Socket>();
  private readonly waiters = new Set<() => boolean>();
  private closed = false;
  private server: http.Server;
  private port = 0;

  private constructor(private readonly options: Required<FakeReceiverOptions>) {
    this.server = this.createServer();
  }

  static async start(options: FakeReceiverOptions = {}): Promise<FakeDiscord> {
    const fake = new FakeDiscord({
      validate: options.validate ?? true,
      success: options.success ?? { status: 204 },
      path: options.path ?? "/api/webhooks/123456789012345678/fake-token",
      delayMs: options.delayMs ?? 0,
    });
    await fake.listen();
    return fake;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}${this.options.path}`;
  }

  // --- scripting -------------------------------------------------------------------------------------------------

  /** Answers the next requests with these responses, in order, before falling back to the mode. */
  script(...responses: ScriptedResponse[]): this {
    this.queue.push(...responses);
    return this;
  }

  /** From now on answers every request with `status` (a 2xx means accepting it, after validation). */
  respondWith(status: number, body?: unknown, headers?: Record<string, string>): this {
    if (status >= 200 && status < 300) {
      this.mode = null;
      this.options.success = { status, body, headers };
    } else {
      this.mode = { status, body, headers };
    }
    return this;
  }

  /** The next `times` requests get Discord's 429 with `retry_after` (seconds, may be fractional). */
  rateLimit(retryAfterSeconds: number, times = 1): this {
    const response: ScriptedResponse = {
      status: 429,
      body: { message: "You are being rate limited.", retry_after: retryAfterSeconds, global: false },
      headers: { "Retry-After": String(Math.ceil(retryAfterSeconds)), "X-RateLimit-Scope": "user" },
    };
    return this.script(...Array.from({ length: times }, () => response));
  }

  /** The next `times` requests fail with `status` (default 500). */
  fail(status = 500, times = 1): this {
    const body = { message: status >= 500 ? "Internal Server Error" : "Error", code: 0 };
    return this.script(...Array.from({ length: times }, () => ({ status, body })));
  }

  /** From now on the webhook does not exist: 404 Unknown Webhook. */
  gone(): this {
    this.mode = { status: 404, body: { message: "Unknown Webhook", code: 10015 } };
    return this;
  }

  /** From now on requests are never answered (or only the next `times` when given). */
  hang(times?: number): this {
    if (times === undefined) this.mode = "hang";
    else this.script(...Array.from({ length: times }, () => "hang" as const));
    return this;
  }

  /** Back to normal: clears the script and the mode, accepting valid payloads. */
  reset(): this {
    this.queue.length = 0;
    this.mode = null;
    return this;
  }

  // --- availability ----------------------------------------------------------------------------------------------

  /** Stops listening and drops every connection, so new requests are refused (ECONNREFUSED). */
  async down(): Promise<void> {
    if (!this.server.listening) return;
    const closed = once(this.server, "close");
    this.server.close();
    for (const socket of this.sockets) socket.destroy();
    await closed;
  }

  /** Listens again on the same port. */
  async up(): Promise<void> {
    if (this.server.listening) return;
    this.server = this.createServer();
    await this.listen(this.port);
  }

  /** Stops the receiver; pending waitFor calls reject. */
  async close(): Promise<void> {
    this.closed = true;
    for (const check of [...this.waiters]) check();
    await this.down();
  }

  // --- observing -------------------------------------------------------------------------------------------------

  /** Resolves with the accepted requests once at least `count` were accepted; rejects after `timeoutMs`. */
  waitFor(count: number, timeoutMs = 5_000): Promise<ReceivedRequest[]> {
    return new Promise((resolve, reject) => {
      const check = () => {
        const done = this.received.length >= count;
        if (!done && !this.closed) return false;
        clearTimeout(timer);
        this.waiters.delete(check);
        if (done) resolve(this.received.slice());
        else reject(new Error(`fake receiver closed with ${this.received.length} of ${count} payloads`));
        return true;
      };
      const timer = setTimeout(() => {
        this.waiters.delete(check);
        reject(new Error(`fake receiver: ${this.received.length} of ${count} payloads after ${timeoutMs} ms`));
      }, timeoutMs);
      if (!check()) this.waiters.add(check);
    });
  }

  // --- internals -------------------------------------------------------------------------------------------------

  private createServer(): http.Server {
    const server = http.createServer((req, res) => void this.handle(req, res));
    server.on("connection", (socket) => {
      this.sockets.add(socket);
      socket.on("close", () => this.sockets.delete(socket));
    });
    return server;
  }

  private async listen(port = 0): Promise<void> {
    this.server.listen(port, "127.0.0.1");
    await once(this.server, "listening");
    this.port = (this.server.address() as { port: number }).port;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    try {
      for await (const chunk of req) chunks.push(chunk as Buffer);
    } catch {
      return; // the client went away
    }
    const rawBody = Buffer.concat(chunks).toString("utf8");
    let body: unknown;
    try {
      body = JSON.parse(rawBody);
    } catch {
      body = undefined;
    }
    const request: ReceivedRequest = { at: Date.now(), method: req.method ?? "", path: req.url ?? "", headers: req.headers, rawBody, body };
    this.requests.push(request);

    const scripted = this.queue.shift() ?? this.mode;
    if (scripted === "hang") return; // dropped when the client aborts or the receiver goes down
    if (scripted && (scripted.status < 200 || scripted.status >= 300)) return send(res, scripted.status, scripted.body, scripted.headers);
    if (req.method !== "POST") return send(res, 405, { message: "405: Method Not Allowed", code: 0 });
    if (this.options.validate) {
      if (body === undefined) return send(res, 400, { message: "The request body contains invalid JSON.", code: 50109 });
      const violations = validateDiscordPayload(body);
      if (violations.length > 0) return send(res, 400, discordFormError(violations));
    }
    if (this.options.delayMs > 0) {
      await new Promise((r) => setTimeout(r, this.options.delayMs));
      if (res.destroyed || req.socket.destroyed) {
        this.abandoned.push(request);
        return;
      }
    }
    this.received.push(request);
    for (const check of [...this.waiters]) check();
    const success = scripted ?? this.options.success;
    send(res, success.status, success.body, success.headers);
  }
}

function send(res: ServerResponse, status: number, body?: unknown, headers: Record<string, string> = {}): void {
  if (body === undefined || status === 204) {
    res.writeHead(status, headers).end();
  } else if (typeof body === "string") {
    res.writeHead(status, { "Content-Type": "text/plain; charset=utf-8", ...headers }).end(body);
  } else {
    res.writeHead(status, { "Content-Type": "application/json", ...headers }).end(JSON.stringify(body));
  }
}

/** A Discord webhook stand-in on 127.0.0.1 and a free port. */
export function startFakeDiscord(options: FakeReceiverOptions = {}): Promise<FakeDiscord> {
  return FakeDiscord.start(options);
}

/** A Slack incoming-webhook stand-in: no Discord validation, answers 200 "ok". */
export function startFakeSlack(): Promise<FakeDiscord> {
  return FakeDiscord.start({ validate: false, success: { status: 200, body: "ok" }, path: "/services/T000/B000/XXXX" });
}

/** A generic webhook receiver: no validation, answers 204. */
export function startFakeReceiver(options: Omit<FakeReceiverOptions, "validate"> = {}): Promise<FakeDiscord> {
  return FakeDiscord.start({ ...options, validate: false, path: options.path ?? "/hook" });
}
