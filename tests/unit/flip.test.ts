import { describe, expect, it } from "vitest";
import { flipForDeadline, flipForHeartbeat } from "../../lib/core/flip";
import { STATUSES, CLIENT_STATUSES } from "../../lib/core/status";

describe("flipForHeartbeat", () => {
  it("returns null when the status does not change", () => {
    for (const s of STATUSES) expect(flipForHeartbeat(s, s), s).toBeNull();
  });

  it("stale -> healthy is a recovery", () => {
    expect(flipForHeartbeat("stale", "healthy")).toEqual({ from: "stale", to: "healthy", reason: "recovered" });
  });

  it("any change out of stale is a recovery", () => {
    for (const to of CLIENT_STATUSES) {
      expect(flipForHeartbeat("stale", to)).toEqual({ from: "stale", to, reason: "recovered" });
    }
  });

  it("other changes have reason heartbeat", () => {
    expect(flipForHeartbeat("healthy", "error")).toEqual({ from: "healthy", to: "error", reason: "heartbeat" });
    expect(flipForHeartbeat("error", "healthy")).toEqual({ from: "error", to: "healthy", reason: "heartbeat" });
    expect(flipForHeartbeat("unknown", "healthy")).toEqual({ from: "unknown", to: "healthy", reason: "heartbeat" });
    expect(flipForHeartbeat("warning", "busy")).toEqual({ from: "warning", to: "busy", reason: "heartbeat" });
  });

  it("every non-stale from-status with a different reported status gives a heartbeat flip", () => {
    for (const from of STATUSES) {
      if (from === "stale") continue;
      for (const to of CLIENT_STATUSES) {
        if (to === from) continue;
        expect(flipForHeartbeat(from, to)).toEqual({ from, to, reason: "heartbeat" });
      }
    }
  });
});

describe("flipForDeadline", () => {
  it("returns null when already stale", () => {
    expect(flipForDeadline("stale")).toBeNull();
  });

  it("flips every other status to stale with reason stale", () => {
    for (const from of STATUSES) {
      if (from === "stale") continue;
      expect(flipForDeadline(from), from).toEqual({ from, to: "stale", reason: "stale" });
    }
  });

  it("flips a never-beating unknown service to stale", () => {
    expect(flipForDeadline("unknown")).toEqual({ from: "unknown", to: "stale", reason: "stale" });
  });
});
