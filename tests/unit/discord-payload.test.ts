import { describe, expect, it } from "vitest";
import {
  DISCORD_LIMITS,
  discordPayload,
  formatDiscordTime,
  LEVEL_COLORS,
  truncate,
  type DiscordEmbed,
} from "../../lib/core/discord-payload";
import { describeFlip, type Notification, type ServiceSnapshot } from "../../lib/core/notification";
import type { Metadata } from "../../lib/core/metadata";
import type { Status } from "../../lib/core/status";
import { validateDiscordPayload } from "../helpers/fake-discord";

const AT = "2025-03-04T05:06:07.890Z";

function snapshot(overrides: Partial<ServiceSnapshot> = {}): ServiceSnapshot {
  return {
    id: "svc_1",
    name: "billing-worker",
    status: "stale",
    message: null,
    metadata: { region: "eu-west-1" },
    lastHeartbeat: "2025-03-04T05:05:07.123Z",
    staleThresholdSeconds: 60,
    ...overrides,
  };
}

function flipNotification(from: Status, to: Status, service: ServiceSnapshot): Notification {
  return { kind: "flip", ...describeFlip({ from, to }, service), service, at: AT };
}

const embedOf = (payload: ReturnType<typeof discordPayload>): DiscordEmbed => payload.embeds[0];
const embedChars = (e: DiscordEmbed) =>
  [e.title, e.description, ...e.fields.flatMap((f) => [f.name, f.value])].reduce((n, s) => n + [...s].length, 0);

describe("discordPayload", () => {
  it("renders a stale flip exactly", () => {
    const n = flipNotification("healthy", "stale", snapshot());
    expect(discordPayload(n, { username: "LaneSwap" })).toEqual({
      username: "LaneSwap",
      embeds: [
        {
          title: "Service Stale: billing-worker",
          description: "No heartbeat received in 60 seconds",
          color: 0xf39c12,
          timestamp: AT,
          fields: [
            { name: "Service Name", value: "billing-worker", inline: true },
            { name: "Status", value: "stale", inline: true },
            { name: "Last Heartbeat", value: "2025-03-04 05:05:07 UTC", inline: true },
            { name: "Metadata", value: "**region**: eu-west-1", inline: false },
          ],
        },
      ],
    });
  });

  it("renders an error flip with the service's message, in red", () => {
    const service = snapshot({ status: "error", message: "disk full", metadata: {} });
    const payload = discordPayload(flipNotification("healthy", "error", service), { username: "LaneSwap", avatarUrl: "https://example.com/a.png" });
    expect(payload).toEqual({
      username: "LaneSwap",
      avatar_url: "https://example.com/a.png",
      embeds: [
        {
          title: "Service Status Change: billing-worker",
          description: "Status changed from healthy to error: disk full",
          color: 0xe74c3c,
          timestamp: AT,
          fields: [
            { name: "Service Name", value: "billing-worker", inline: true },
            { name: "Status", value: "error", inline: true },
            { name: "Last Heartbeat", value: "2025-03-04 05:05:07 UTC", inline: true },
          ],
        },
      ],
    });
  });

  it("renders a recovery in green", () => {
    const embed = embedOf(discordPayload(flipNotification("stale", "healthy", snapshot({ status: "healthy" })), { username: "LaneSwap" }));
    expect(embed.title).toBe("Service Status Change: billing-worker");
    expect(embed.description).toBe("Status changed from stale to healthy");
    expect(embed.color).toBe(0x2ecc71);
  });

  it("uses the level colors as integers", () => {
    expect(LEVEL_COLORS).toEqual({ info: 3447003, success: 3066993, warning: 15965202, error: 15158332 });
  });

  it("leaves out metadata keys that look like secrets, in any case, and JSON-encodes objects", () => {
    const metadata = {
      password: "p",
      DB_PASSWORD: "p",
      Secret: "s",
      api_token: "t",
      apiKey: "k",
      KEYRING: "k",
      version: "1.2.3",
      replicas: 3,
      healthy: true,
      owner: null,
      limits: { cpu: "2", mem: "4Gi" },
      tags: ["a", "b"],
    };
    const embed = embedOf(discordPayload(flipNotification("healthy", "stale", snapshot({ metadata })), { username: "LaneSwap" }));
    const value = embed.fields.find((f) => f.name === "Metadata")?.value;
    expect(value).toBe(
      [
        "**version**: 1.2.3",
        "**replicas**: 3",
        "**healthy**: true",
        "**owner**: null",
        '**limits**: {"cpu":"2","mem":"4Gi"}',
        '**tags**: ["a","b"]',
      ].join("\n"),
    );
    expect(JSON.stringify(embed)).not.toMatch(/password|secret|token|key/i);
  });

  it("omits the Metadata field when all metadata is secret or there is none", () => {
    for (const metadata of [{}, { token: "x", Password: "y" }] as Metadata[]) {
      const embed = embedOf(discordPayload(flipNotification("healthy", "stale", snapshot({ metadata })), { username: "LaneSwap" }));
      expect(embed.fields.map((f) => f.name)).toEqual(["Service Name", "Status", "Last Heartbeat"]);
    }
  });

  it("shows never for a service that never sent a heartbeat", () => {
    const service = snapshot({ lastHeartbeat: null, status: "stale" });
    const embed = embedOf(discordPayload(flipNotification("unknown", "stale", service), { username: "LaneSwap" }));
    expect(embed.fields[2]).toEqual({ name: "Last Heartbeat", value: "never", inline: true });
  });

  it("links the embed to the monitor when given a valid URL", () => {
    const n = flipNotification("healthy", "stale", snapshot());
    expect(embedOf(discordPayload({ ...n, monitorUrl: "https://mon.example.com/services/svc_1" }, { username: "L" })).url).toBe(
      "https://mon.example.com/services/svc_1",
    );
    expect(embedOf(discordPayload({ ...n, monitorUrl: "not a url" }, { username: "L" }))).not.toHaveProperty("url");
  });

  it("shortens long usernames and leaves out ones Discord refuses", () => {
    const n = flipNotification("healthy", "stale", snapshot());
    expect(discordPayload(n, { username: "u".repeat(100) }).username).toHaveLength(80);
    expect(discordPayload(n, { username: "My Discord Bot" })).not.toHaveProperty("username");
    expect(discordPayload(n, { username: "clyde" })).not.toHaveProperty("username");
  });
});

describe("formatDiscordTime", () => {
  it("formats as YYYY-MM-DD HH:MM:SS UTC", () => {
    expect(formatDiscordTime("2025-03-04T05:06:07.890Z")).toBe("2025-03-04 05:06:07 UTC");
    expect(formatDiscordTime("2025-12-31T23:59:59Z")).toBe("2025-12-31 23:59:59 UTC");
  });

  it("converts other offsets to UTC", () => {
    expect(formatDiscordTime("2025-03-04T07:06:07+02:00")).toBe("2025-03-04 05:06:07 UTC");
  });

  it("says never for null and keeps an unparseable value as it is", () => {
    expect(formatDiscordTime(null)).toBe("never");
    expect(formatDiscordTime("yesterday")).toBe("yesterday");
  });
});

describe("truncate", () => {
  it("keeps short text and cuts long text with an ellipsis", () => {
    expect(truncate("abc", 3)).toBe("abc");
    expect(truncate("abcdef", 4)).toBe("abc…");
  });

  it("never splits a surrogate pair", () => {
    const cut = truncate("ab😀😀😀", 4);
    expect(cut).toBe("ab…");
    expect(cut.length).toBeLessThanOrEqual(4);
  });
});

describe("Discord limits", () => {
  const accept = (payload: unknown) => expect(validateDiscordPayload(payload)).toEqual([]);

  it("accepts the regular payloads", () => {
    accept(discordPayload(flipNotification("healthy", "stale", snapshot()), { username: "LaneSwap" }));
    accept(discordPayload(flipNotification("unknown", "stale", snapshot({ lastHeartbeat: null, metadata: {} })), { username: "LaneSwap" }));
  });

  it("shortens a 300-character name and a 5000-character message", () => {
    const name = "n".repeat(300);
    const service = snapshot({ name, status: "error", message: "m".repeat(5000) });
    const payload = discordPayload(flipNotification("healthy", "error", service), { username: "LaneSwap" });
    accept(payload);
    const embed = embedOf(payload);
    expect(embed.title).toHaveLength(DISCORD_LIMITS.title);
    expect(embed.title.endsWith("…")).toBe(true);
    expect(embed.description).toHaveLength(DISCORD_LIMITS.description);
    expect(embed.description.endsWith("…")).toBe(true);
    expect(embed.fields[0].value).toBe(name);
  });

  it("shortens huge metadata to one field value", () => {
    const metadata = Object.fromEntries(Array.from({ length: 200 }, (_, i) => [`item${i}`, "v".repeat(100)]));
    const payload = discordPayload(flipNotification("healthy", "stale", snapshot({ metadata })), { username: "LaneSwap" });
    accept(payload);
    const value = embedOf(payload).fields[3].value;
    expect(value).toHaveLength(DISCORD_LIMITS.fieldValue);
    expect(value.startsWith("**item0**: vvv")).toBe(true);
    expect(value.endsWith("…")).toBe(true);
  });

  it("gives way on metadata first when everything is at its maximum", () => {
    const metadata = Object.fromEntries(Array.from({ length: 50 }, (_, i) => [`item${i}`, "v".repeat(500)]));
    const service = snapshot({ name: "x".repeat(2000), status: "error", message: "m".repeat(5000), metadata });
    const payload = discordPayload(flipNotification("healthy", "error", service), { username: "LaneSwap" });
    accept(payload);
    const embed = embedOf(payload);
    expect(embedChars(embed)).toBeLessThanOrEqual(DISCORD_LIMITS.total);
    expect(embed.description).toHaveLength(DISCORD_LIMITS.description);
    expect(embed.fields[0].value).toHaveLength(DISCORD_LIMITS.fieldValue);
    // 256 + 4096 + 1024 + the short fields leave 556 characters for the Metadata value: it fills them exactly.
    const meta = embed.fields.find((f) => f.name === "Metadata");
    expect(meta?.value).toHaveLength(556);
    expect(meta?.value.endsWith("…")).toBe(true);
    expect(embedChars(embed)).toBe(DISCORD_LIMITS.total);
  });

  it("counts astral characters safely", () => {
    const service = snapshot({ name: "😀".repeat(700), metadata: { note: "😀".repeat(3000) } });
    const payload = discordPayload({ ...flipNotification("healthy", "stale", service), message: "😀".repeat(3000) }, { username: "😀".repeat(60) });
    accept(payload);
    for (const f of embedOf(payload).fields) expect(f.value).not.toMatch(/[\ud800-\udbff]$/);
  });

  it("never sends an empty field value", () => {
    const payload = discordPayload(flipNotification("healthy", "stale", snapshot({ name: "   " })), { username: "LaneSwap" });
    accept(payload);
    expect(embedOf(payload).fields[0].value).toBe("—");
  });
});

describe("validateDiscordPayload (the fake Discord's rules)", () => {
  const base = () => discordPayload(flipNotification("healthy", "stale", snapshot()), { username: "LaneSwap" }) as Record<string, unknown>;
  const codes = (payload: unknown) => validateDiscordPayload(payload).map((v) => v.code);

  it("rejects what Discord rejects", () => {
    const withEmbed = (patch: Partial<DiscordEmbed>) => ({ ...base(), embeds: [{ ...embedOf(base() as never), ...patch }] });
    expect(codes(withEmbed({ title: "t".repeat(257) }))).toContain("BASE_TYPE_MAX_LENGTH");
    expect(codes(withEmbed({ description: "d".repeat(4097) }))).toContain("BASE_TYPE_MAX_LENGTH");
    expect(codes(withEmbed({ fields: [{ name: "a", value: "" }] }))).toContain("BASE_TYPE_REQUIRED");
    expect(codes(withEmbed({ fields: [{ name: "a", value: "v".repeat(1025) }] }))).toContain("BASE_TYPE_MAX_LENGTH");
    expect(codes(withEmbed({ fields: Array.from({ length: 26 }, () => ({ name: "a", value: "b" })) }))).toContain("BASE_TYPE_MAX_LENGTH");
    expect(codes(withEmbed({ description: "d".repeat(4000), fields: [1, 2].map(() => ({ name: "a", value: "v".repeat(1000) })) }))).toContain(
      "MAX_EMBED_SIZE_EXCEEDED",
    );
    expect(codes({ ...base(), username: "Clyde bot" })).toContain("USERNAME_INVALID_CONTAINS");
    expect(codes({ ...base(), username: "u".repeat(81) })).toContain("BASE_TYPE_MAX_LENGTH");
    expect(codes({ ...base(), embeds: Array.from({ length: 11 }, () => embedOf(base() as never)) })).toContain("BASE_TYPE_MAX_LENGTH");
    expect(codes({ username: "x", embeds: [] })).toContain("EMPTY_MESSAGE");
    expect(codes("nope")).toContain("DICT_TYPE_CONVERT");
  });
});
