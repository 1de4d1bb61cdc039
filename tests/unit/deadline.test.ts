import { describe, expect, it } from "vitest";
import { computeDeadline, isPastDeadline, watchedDeadline } from "../../lib/core/deadline";

const created = new Date("2024-01-01T00:00:00.000Z");
const beat = new Date("2024-01-01T01:00:00.000Z");

describe("computeDeadline", () => {
  it("uses last_heartbeat when there is one", () => {
    const d = computeDeadline({ lastHeartbeat: beat, createdAt: created, thresholdSeconds: 60 });
    expect(d.toISOString()).toBe("2024-01-01T01:01:00.000Z");
  });

  it("falls back to created_at when there is no heartbeat", () => {
    const d = computeDeadline({ lastHeartbeat: null, createdAt: created, thresholdSeconds: 60 });
    expect(d.toISOString()).toBe("2024-01-01T00:01:00.000Z");
  });

  it("adds the threshold in seconds, not milliseconds", () => {
    const d = computeDeadline({ lastHeartbeat: null, createdAt: created, thresholdSeconds: 1 });
    expect(d.getTime() - created.getTime()).toBe(1000);
    const big = computeDeadline({ lastHeartbeat: beat, createdAt: created, thresholdSeconds: 30 * 24 * 3600 });
    expect(big.toISOString()).toBe("2024-01-31T01:00:00.000Z");
  });

  it("keeps millisecond precision", () => {
    const precise = new Date("2024-05-05T05:05:05.123Z");
    const d = computeDeadline({ lastHeartbeat: precise, createdAt: created, thresholdSeconds: 10 });
    expect(d.toISOString()).toBe("2024-05-05T05:05:15.123Z");
  });

  it("uses last_heartbeat even when it is earlier than created_at", () => {
    const early = new Date("2023-12-31T23:00:00.000Z");
    const d = computeDeadline({ lastHeartbeat: early, createdAt: created, thresholdSeconds: 60 });
    expect(d.toISOString()).toBe("2023-12-31T23:01:00.000Z");
  });

  it("does not mutate the input dates", () => {
    const lh = new Date(beat);
    const ca = new Date(created);
    const d = computeDeadline({ lastHeartbeat: lh, createdAt: ca, thresholdSeconds: 60 });
    expect(lh.getTime()).toBe(beat.getTime());
    expect(ca.getTime()).toBe(created.getTime());
    expect(d).not.toBe(lh);
  });
});

describe("watchedDeadline", () => {
  const base = { lastHeartbeat: beat, createdAt: created, thresholdSeconds: 60 };

  it("is the computed deadline for an active, non-stale service", () => {
    for (const status of ["healthy", "warning", "degraded", "error", "busy", "unknown"]) {
      expect(watchedDeadline({ ...base, status, paused: false })?.toISOString(), status).toBe(
        "2024-01-01T01:01:00.000Z",
      );
    }
  });

  it("watches a never-beating (unknown) service from created_at", () => {
    expect(
      watchedDeadline({ ...base, lastHeartbeat: null, status: "unknown", paused: false })?.toISOString(),
    ).toBe("2024-01-01T00:01:00.000Z");
  });

  it("is null when paused", () => {
    expect(watchedDeadline({ ...base, status: "healthy", paused: true })).toBeNull();
    expect(watchedDeadline({ ...base, lastHeartbeat: null, status: "unknown", paused: true })).toBeNull();
  });

  it("is null when already stale", () => {
    expect(watchedDeadline({ ...base, status: "stale", paused: false })).toBeNull();
    expect(watchedDeadline({ ...base, status: "stale", paused: true })).toBeNull();
  });
});

describe("isPastDeadline", () => {
  const deadline = new Date("2024-01-01T00:01:00.000Z");

  it("is false before the deadline", () => {
    expect(isPastDeadline(deadline, new Date(deadline.getTime() - 1))).toBe(false);
    expect(isPastDeadline(deadline, new Date(deadline.getTime() - 60_000))).toBe(false);
  });

  it("counts exactly at the deadline as past", () => {
    expect(isPastDeadline(deadline, new Date(deadline.getTime()))).toBe(true);
  });

  it("is true after the deadline", () => {
    expect(isPastDeadline(deadline, new Date(deadline.getTime() + 1))).toBe(true);
    expect(isPastDeadline(deadline, new Date("2030-01-01T00:00:00Z"))).toBe(true);
  });

  it("is never past when there is no deadline", () => {
    expect(isPastDeadline(null, new Date(0))).toBe(false);
    expect(isPastDeadline(null, new Date("2100-01-01T00:00:00Z"))).toBe(false);
  });

  it("composes with watchedDeadline", () => {
    const input = { status: "healthy", paused: false, lastHeartbeat: beat, createdAt: created, thresholdSeconds: 60 };
    const at = new Date("2024-01-01T01:01:00.000Z");
    expect(isPastDeadline(watchedDeadline(input), at)).toBe(true);
    expect(isPastDeadline(watchedDeadline({ ...input, paused: true }), at)).toBe(false);
    expect(isPastDeadline(watchedDeadline({ ...input, status: "stale" }), at)).toBe(false);
  });
});
