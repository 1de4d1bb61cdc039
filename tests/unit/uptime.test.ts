import { describe, expect, it } from "vitest";
import { segments, uptimeWindow, type FlipPoint } from "../../lib/core/uptime";

const H = 3_600_000;
const NOW = 100 * H;

describe("segments", () => {
  it("with no flips, the whole window is in the current status", () => {
    expect(segments({ flips: [], current: "healthy", createdAt: 0, from: NOW - 24 * H, to: NOW })).toEqual([{ start: NOW - 24 * H, end: NOW, status: "healthy" }]);
  });
  it("splits at every flip and starts in the first flip's previous status", () => {
    const flips: FlipPoint[] = [
      { at: NOW - 10 * H, from: "healthy", to: "error" },
      { at: NOW - 4 * H, from: "error", to: "healthy" },
    ];
    expect(segments({ flips, current: "healthy", createdAt: 0, from: NOW - 24 * H, to: NOW })).toEqual([
      { start: NOW - 24 * H, end: NOW - 10 * H, status: "healthy" },
      { start: NOW - 10 * H, end: NOW - 4 * H, status: "error" },
      { start: NOW - 4 * H, end: NOW, status: "healthy" },
    ]);
  });
  it("shows nothing before the service existed", () => {
    const created = NOW - 2 * H;
    expect(segments({ flips: [{ at: NOW - H, from: "unknown", to: "healthy" }], current: "healthy", createdAt: created, from: NOW - 24 * H, to: NOW })).toEqual([
      { start: created, end: NOW - H, status: "unknown" },
      { start: NOW - H, end: NOW, status: "healthy" },
    ]);
  });
  it("a window in the past takes its status from the next later flip", () => {
    const flips: FlipPoint[] = [{ at: NOW - H, from: "stale", to: "healthy" }];
    expect(segments({ flips, current: "healthy", createdAt: 0, from: NOW - 10 * H, to: NOW - 5 * H })).toEqual([{ start: NOW - 10 * H, end: NOW - 5 * H, status: "stale" }]);
  });
});

describe("uptimeWindow", () => {
  const flips: FlipPoint[] = [
    { at: NOW - 6 * H, from: "healthy", to: "stale" },
    { at: NOW - 3 * H, from: "stale", to: "warning" },
  ];
  const w = uptimeWindow({ flips, current: "warning", createdAt: 0, now: NOW, windowMs: 24 * H, buckets: 24 });
  it("counts stale and error as down, the rest (but unknown) as up", () => {
    expect(w.uptime).toBeCloseTo(21 / 24);
  });
  it("gives every bar its worst status and its own uptime", () => {
    expect(w.buckets).toHaveLength(24);
    expect(w.buckets[0]).toMatchObject({ worst: "healthy", uptime: 1 });
    expect(w.buckets[18]).toMatchObject({ worst: "stale", uptime: 0 });
    expect(w.buckets[21]).toMatchObject({ worst: "warning", uptime: 1 });
  });
  it("a bar that is half down is half up", () => {
    const half = uptimeWindow({ flips: [{ at: NOW - 30 * 60_000, from: "healthy", to: "error" }], current: "error", createdAt: 0, now: NOW, windowMs: H, buckets: 1 });
    expect(half.buckets[0]).toMatchObject({ worst: "error", uptime: 0.5 });
  });
  it("has no figure before any known time", () => {
    const fresh = uptimeWindow({ flips: [], current: "unknown", createdAt: NOW - H, now: NOW, windowMs: 24 * H, buckets: 24 });
    expect(fresh.uptime).toBeNull();
    expect(fresh.buckets[0]).toMatchObject({ worst: null, uptime: null });
  });
});
