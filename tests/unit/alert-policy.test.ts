import { describe, expect, it } from "vitest";
import { decideFlipAlert, isStableAgain, nextReminderAt, retryDelayMs, type AlertPolicy } from "../../lib/core/alert-policy";
import { channelWants, type ChannelFilter } from "../../lib/core/channel-match";
import { describeFlip, LEVELS, levelForFlip, type ServiceSnapshot } from "../../lib/core/notification";
import { STATUSES, type Status } from "../../lib/core/status";

const policy: AlertPolicy = { notifyFirstHeartbeat: false, reminderIntervalMinutes: 5, flapThreshold: 5, flapWindowMinutes: 10 };
const NOW = new Date("2030-01-01T00:00:00.000Z");

function decide(over: Partial<Parameters<typeof decideFlipAlert>[0]> & { from?: Status; to?: Status } = {}) {
  const { from = "healthy", to = "error", ...rest } = over;
  return decideFlipAlert({ flip: { from, to }, paused: false, flapping: false, flipsInWindow: 1, policy, ...rest });
}

describe("decideFlipAlert", () => {
  it("notifies an ordinary flip", () => {
    expect(decide()).toEqual({ action: "notify" });
    expect(decide({ from: "error", to: "healthy" })).toEqual({ action: "notify" });
  });

  it("skips every flip of a paused service, whatever else holds", () => {
    expect(decide({ paused: true })).toEqual({ action: "skip", why: "paused" });
    expect(decide({ paused: true, flapping: true })).toEqual({ action: "skip", why: "paused" });
    expect(decide({ paused: true, flipsInWindow: 100 })).toEqual({ action: "skip", why: "paused" });
    expect(decide({ paused: true, from: "unknown", to: "stale" })).toEqual({ action: "skip", why: "paused" });
  });

  it("skips while the service is flapping", () => {
    expect(decide({ flapping: true })).toEqual({ action: "skip", why: "flapping" });
    expect(decide({ flapping: true, flipsInWindow: 100 })).toEqual({ action: "skip", why: "flapping" });
    expect(decide({ flapping: true, to: "stale" })).toEqual({ action: "skip", why: "flapping" });
  });

  it("starts flapping only when the flips in the window exceed the threshold", () => {
    expect(decide({ flipsInWindow: policy.flapThreshold })).toEqual({ action: "notify" });
    expect(decide({ flipsInWindow: policy.flapThreshold + 1 })).toEqual({ action: "start-flapping" });
    expect(decide({ flipsInWindow: 50 })).toEqual({ action: "start-flapping" });
  });

  it("a threshold of 0 turns flap detection off", () => {
    const off = { ...policy, flapThreshold: 0 };
    expect(decide({ flipsInWindow: 1000, policy: off })).toEqual({ action: "notify" });
    expect(decide({ flipsInWindow: 0, policy: off })).toEqual({ action: "notify" });
  });

  it("does not notify the first heartbeat (unknown → healthy) unless notifyFirstHeartbeat", () => {
    expect(decide({ from: "unknown", to: "healthy" })).toEqual({ action: "skip", why: "first-heartbeat" });
    expect(decide({ from: "unknown", to: "healthy", policy: { ...policy, notifyFirstHeartbeat: true } })).toEqual({
      action: "notify",
    });
  });

  it("notifies a first heartbeat that reports trouble, and a never-beating service going stale", () => {
    expect(decide({ from: "unknown", to: "stale" })).toEqual({ action: "notify" });
    for (const to of ["error", "warning", "degraded", "busy"] as const) {
      expect(decide({ from: "unknown", to }), to).toEqual({ action: "notify" });
    }
  });
});

describe("nextReminderAt", () => {
  it("is one interval later for stale and error", () => {
    expect(nextReminderAt("stale", NOW, policy)?.toISOString()).toBe("2030-01-01T00:05:00.000Z");
    expect(nextReminderAt("error", NOW, policy)?.toISOString()).toBe("2030-01-01T00:05:00.000Z");
  });

  it("is null for every other status", () => {
    for (const s of STATUSES.filter((s) => s !== "stale" && s !== "error")) {
      expect(nextReminderAt(s, NOW, policy), s).toBeNull();
    }
  });

  it("is null when reminders are off", () => {
    expect(nextReminderAt("stale", NOW, { ...policy, reminderIntervalMinutes: 0 })).toBeNull();
    expect(nextReminderAt("error", NOW, { ...policy, reminderIntervalMinutes: 0 })).toBeNull();
  });
});

describe("isStableAgain", () => {
  it("needs a whole window without a flip", () => {
    const window = policy.flapWindowMinutes * 60_000;
    expect(isStableAgain(new Date(NOW.getTime() - window + 1), NOW, policy)).toBe(false);
    expect(isStableAgain(new Date(NOW.getTime() - window), NOW, policy)).toBe(true);
    expect(isStableAgain(new Date(NOW.getTime() - window - 1), NOW, policy)).toBe(true);
    expect(isStableAgain(NOW, NOW, policy)).toBe(false);
  });

  it("is stable without any flip", () => {
    expect(isStableAgain(null, NOW, policy)).toBe(true);
  });
});

describe("retryDelayMs", () => {
  const low = () => 0;
  const high = () => 1;

  it("doubles from 1 s, between half and all of the ceiling", () => {
    for (const [attempt, ceiling] of [
      [1, 1000],
      [2, 2000],
      [3, 4000],
      [4, 8000],
      [5, 16_000],
    ]) {
      expect(retryDelayMs(attempt, 60_000, low), `attempt ${attempt}`).toBe(ceiling / 2);
      expect(retryDelayMs(attempt, 60_000, high), `attempt ${attempt}`).toBe(ceiling);
      expect(retryDelayMs(attempt, 60_000, () => 0.5)).toBe((ceiling * 3) / 4);
    }
  });

  it("is capped", () => {
    expect(retryDelayMs(7, 60_000, high)).toBe(60_000);
    expect(retryDelayMs(7, 60_000, low)).toBe(30_000);
    expect(retryDelayMs(50, 60_000, high)).toBe(60_000);
    expect(retryDelayMs(2000, 60_000, high)).toBe(60_000);
    expect(retryDelayMs(3, 3000, high)).toBe(3000);
    expect(retryDelayMs(3, 3000, low)).toBe(1500);
  });

  it("treats attempt 0 (or less) as the first", () => {
    expect(retryDelayMs(0, 60_000, high)).toBe(1000);
    expect(retryDelayMs(-3, 60_000, high)).toBe(1000);
  });

  it("stays within its bounds with the real random source", () => {
    for (let attempt = 1; attempt <= 12; attempt++) {
      const ceiling = Math.min(60_000, 1000 * 2 ** (attempt - 1));
      for (let i = 0; i < 50; i++) {
        const d = retryDelayMs(attempt);
        expect(d).toBeGreaterThanOrEqual(ceiling / 2);
        expect(d).toBeLessThanOrEqual(ceiling);
        expect(Number.isInteger(d)).toBe(true);
      }
    }
  });
});

describe("channelWants", () => {
  const all: ChannelFilter = { enabled: true, levels: LEVELS, serviceIds: null };

  it("wants every level about every service by default", () => {
    for (const level of LEVELS) expect(channelWants(all, { level, serviceId: "a" })).toBe(true);
  });

  it("wants nothing when disabled", () => {
    for (const level of LEVELS) expect(channelWants({ ...all, enabled: false }, { level, serviceId: "a" })).toBe(false);
  });

  it("filters by level", () => {
    const errorsOnly: ChannelFilter = { ...all, levels: ["error"] };
    expect(channelWants(errorsOnly, { level: "error", serviceId: "a" })).toBe(true);
    for (const level of ["info", "success", "warning"] as const) {
      expect(channelWants(errorsOnly, { level, serviceId: "a" }), level).toBe(false);
    }
  });

  it("filters by service", () => {
    const some: ChannelFilter = { ...all, serviceIds: ["a", "b"] };
    expect(channelWants(some, { level: "info", serviceId: "a" })).toBe(true);
    expect(channelWants(some, { level: "info", serviceId: "b" })).toBe(true);
    expect(channelWants(some, { level: "info", serviceId: "c" })).toBe(false);
    expect(channelWants({ ...all, serviceIds: [] }, { level: "error", serviceId: "a" })).toBe(false);
  });

  it("needs both the level and the service", () => {
    const narrow: ChannelFilter = { enabled: true, levels: ["error", "warning"], serviceIds: ["a"] };
    expect(channelWants(narrow, { level: "error", serviceId: "a" })).toBe(true);
    expect(channelWants(narrow, { level: "success", serviceId: "a" })).toBe(false);
    expect(channelWants(narrow, { level: "error", serviceId: "b" })).toBe(false);
  });
});

describe("levelForFlip", () => {
  it("error for error, from anywhere", () => {
    for (const from of STATUSES) if (from !== "error") expect(levelForFlip({ from, to: "error" }), from).toBe("error");
  });

  it("warning for stale, warning and degraded", () => {
    for (const to of ["stale", "warning", "degraded"] as const) {
      for (const from of STATUSES) if (from !== to) expect(levelForFlip({ from, to }), `${from}→${to}`).toBe("warning");
    }
  });

  it("success for healthy after warning, degraded, error or stale", () => {
    for (const from of ["warning", "degraded", "error", "stale"] as const) {
      expect(levelForFlip({ from, to: "healthy" }), from).toBe("success");
    }
  });

  it("info otherwise", () => {
    expect(levelForFlip({ from: "unknown", to: "healthy" })).toBe("info");
    expect(levelForFlip({ from: "busy", to: "healthy" })).toBe("info");
    expect(levelForFlip({ from: "healthy", to: "busy" })).toBe("info");
    expect(levelForFlip({ from: "error", to: "busy" })).toBe("info");
    expect(levelForFlip({ from: "stale", to: "busy" })).toBe("info");
  });
});

describe("describeFlip", () => {
  const service: ServiceSnapshot = {
    id: "svc-1",
    name: "Payments API",
    status: "error",
    message: null,
    metadata: {},
    lastHeartbeat: null,
    staleThresholdSeconds: 60,
  };

  it("words stale as the original did", () => {
    expect(describeFlip({ from: "healthy", to: "stale" }, { ...service, status: "stale" })).toEqual({
      title: "Service Stale: Payments API",
      message: "No heartbeat received in 60 seconds",
      level: "warning",
    });
  });

  it("uses the service's own threshold in whole seconds, and ignores the last message", () => {
    const d = describeFlip({ from: "unknown", to: "stale" }, { ...service, staleThresholdSeconds: 300, message: "last words" });
    expect(d.message).toBe("No heartbeat received in 300 seconds");
    expect(d.title).toBe("Service Stale: Payments API");
    expect(describeFlip({ from: "healthy", to: "stale" }, { ...service, staleThresholdSeconds: 1 }).message).toBe(
      "No heartbeat received in 1 seconds",
    );
  });

  it("words other flips as a status change, with the message when there is one", () => {
    expect(describeFlip({ from: "healthy", to: "error" }, { ...service, message: "db down" })).toEqual({
      title: "Service Status Change: Payments API",
      message: "Status changed from healthy to error: db down",
      level: "error",
    });
    expect(describeFlip({ from: "healthy", to: "error" }, service)).toEqual({
      title: "Service Status Change: Payments API",
      message: "Status changed from healthy to error",
      level: "error",
    });
    expect(describeFlip({ from: "healthy", to: "error" }, { ...service, message: "" }).message).toBe(
      "Status changed from healthy to error",
    );
  });

  it("levels: error, warning, success on recovery, info otherwise", () => {
    const level = (from: Status, to: Status) => describeFlip({ from, to }, service).level;
    expect(level("healthy", "error")).toBe("error");
    expect(level("healthy", "warning")).toBe("warning");
    expect(level("healthy", "degraded")).toBe("warning");
    expect(level("warning", "healthy")).toBe("success");
    expect(level("degraded", "healthy")).toBe("success");
    expect(level("error", "healthy")).toBe("success");
    expect(level("stale", "healthy")).toBe("success");
    expect(level("unknown", "healthy")).toBe("info");
    expect(level("healthy", "busy")).toBe("info");
    expect(level("busy", "healthy")).toBe("info");
  });

  it("a recovery from stale is worded as a status change", () => {
    expect(describeFlip({ from: "stale", to: "healthy" }, { ...service, status: "healthy", message: "back" })).toEqual({
      title: "Service Status Change: Payments API",
      message: "Status changed from stale to healthy: back",
      level: "success",
    });
  });
});
