import { describe, expect, it } from "vitest";
import type { Status } from "../../lib/core/status";
import { displayWidth, makeColors, stripAnsi } from "../../scripts/cli/format";
import { handleKey, initialState, listHeight, parseKeys, withDetail, withServices, type Key, type MonitorState } from "../../scripts/cli/monitor-state";
import { renderMonitor } from "../../scripts/cli/monitor-view";
import type { ServiceItem } from "../../scripts/cli/service-list";

const now = new Date("2025-06-01T12:00:00Z");
const plain = makeColors(false);
const size = { columns: 100, rows: 20 };

function service(id: string, status: Status, extra: Partial<ServiceItem> = {}): ServiceItem {
  return {
    id,
    name: extra.name ?? id,
    status,
    message: null,
    metadata: {},
    created_at: "2025-06-01T11:00:00Z",
    updated_at: "2025-06-01T11:00:00Z",
    last_heartbeat: null,
    stale_threshold: 60,
    stale_threshold_override: false,
    paused: false,
    ...extra,
  };
}

function stateWith(services: ServiceItem[]): MonitorState {
  const counts = { healthy: 0, warning: 0, degraded: 0, error: 0, busy: 0, stale: 0, unknown: 0 } as Record<Status, number>;
  for (const s of services) counts[s.status]++;
  return withServices(initialState({ apiUrl: "http://localhost:8000", intervalSeconds: 5, now }), { services, summary: { total: services.length, status_counts: counts } }, now);
}

function press(state: MonitorState, keys: string | Key[], rows = size.rows) {
  let effect: string | undefined;
  for (const key of typeof keys === "string" ? parseKeys(keys) : keys) {
    const result = handleKey(state, key, rows);
    state = result.state;
    effect = result.effect ?? effect;
  }
  return { state, effect };
}

const screen = (state: MonitorState, s = size) => renderMonitor(state, s, plain);

const fleet = [
  service("web", "healthy", { last_heartbeat: "2025-06-01T11:59:50Z", message: "all good" }),
  service("db", "error", { last_heartbeat: "2025-06-01T11:58:00Z", message: "disk full" }),
  service("cache", "stale", { last_heartbeat: "2025-06-01T10:00:00Z" }),
  service("queue", "warning", { message: "lagging" }),
  service("batch", "busy"),
  service("new", "unknown"),
  service("api", "degraded"),
];

describe("parseKeys", () => {
  it("reads arrows, page keys, home/end in both encodings, enter, escape, backspace, ctrl-c and text", () => {
    const names = (s: string) => parseKeys(s).map((k) => (k.name === "char" ? k.ch : k.name));
    expect(names("\x1b[A\x1b[B\x1bOA\x1b[5~\x1b[6~\x1b[H\x1b[F\x1b[1~\x1b[4~\x1bOH\x1bOF")).toEqual([
      "up", "down", "up", "pageup", "pagedown", "home", "end", "home", "end", "home", "end",
    ]);
    expect(names("\r\x1b\x7f\x03q/")).toEqual(["enter", "escape", "backspace", "ctrl-c", "q", "/"]);
    expect(names("ab日🚀")).toEqual(["a", "b", "日", "🚀"]);
    // Modified arrows still move; unknown sequences are skipped whole.
    expect(names("\x1b[1;5A\x1b[200~x")).toEqual(["up", "x"]);
  });
});

describe("the list", () => {
  it("shows every service sorted by severity, with a summary line and exactly the terminal's rows", () => {
    const lines = screen(stateWith(fleet));
    expect(lines).toHaveLength(size.rows);
    expect(lines[0]).toContain("LaneSwap monitor");
    expect(lines[1]).toBe("7 services: 1 error, 1 stale, 1 warning, 1 degraded, 1 busy, 1 unknown, 1 healthy");
    expect(lines[2]).toMatch(/STATUS\s+NAME\s+LAST BEAT\s+MESSAGE\s+ID/);
    const order = lines.slice(3, 10).map((l) => l.slice(2).trim().split(/\s+/)[2]);
    expect(order).toEqual(["db", "cache", "queue", "api", "batch", "new", "web"]);
    expect(lines[3]).toMatch(/^> ● error\s+db\s+2m ago\s+disk full\s+db\s*$/);
    expect(lines[9]).toContain("10s ago");
    expect(lines.at(-1)).toContain("1/7");
    expect(lines.at(-1)).toContain("q quit");
  });

  it("never writes past the terminal's width, whatever the names and messages", () => {
    const long = [service("x".repeat(120), "error", { name: "日本語".repeat(30), message: "m".repeat(300) })];
    for (const columns of [30, 45, 80, 200]) {
      for (const [i, line] of screen(stateWith(long), { columns, rows: 10 }).entries()) {
        expect(displayWidth(line)).toBeLessThanOrEqual(i === 9 ? columns - 1 : columns);
      }
    }
  });

  it("colours the status markers when colours are on", () => {
    const lines = renderMonitor(stateWith(fleet), size, makeColors(true));
    expect(lines[3]).toContain("\x1b[31m"); // error in red
    expect(stripAnsi(lines[3])).toContain("● error");
  });

  it("moves with the arrows, pages, Home and End, keeping the selection on screen", () => {
    const many = Array.from({ length: 100 }, (_, i) => service(`svc-${String(i).padStart(3, "0")}`, "healthy"));
    let { state } = press(stateWith(many), "\x1b[B\x1b[B");
    expect(state.selected).toBe(2);
    ({ state } = press(state, "\x1b[6~"));
    expect(state.selected).toBe(2 + listHeight(size.rows));
    ({ state } = press(state, "\x1b[F"));
    expect(state.selected).toBe(99);
    let lines = screen(state);
    expect(lines.some((l) => l.startsWith("> ") && l.includes("svc-099"))).toBe(true);
    expect(lines.at(-1)).toContain("100/100");
    ({ state } = press(state, "\x1b[H"));
    lines = screen(state);
    expect(lines[3]).toContain("svc-000");
    ({ state } = press(state, "\x1b[A"));
    expect(state.selected).toBe(0);
  });

  it("scrolls through 10,000 services, drawing only the rows in view", () => {
    const many = Array.from({ length: 10_000 }, (_, i) => service(`svc-${String(i).padStart(5, "0")}`, i % 100 === 0 ? "error" : "healthy"));
    const started = performance.now();
    let { state } = press(stateWith(many), "\x1b[F");
    const lines = screen(state);
    expect(lines[1]).toContain("10000 services: 100 error, 9900 healthy");
    expect(lines.some((l) => l.startsWith("> ") && l.includes("svc-09999"))).toBe(true);
    expect(lines.at(-1)).toContain("10000/10000");
    for (let i = 0; i < 50; i++) ({ state } = press(state, "\x1b[5~"));
    screen(state);
    expect(performance.now() - started).toBeLessThan(2000);
    // The errors come first.
    ({ state } = press(state, "\x1b[H"));
    expect(screen(state)[3]).toContain("● error");
  });

  it("keeps the cursor on the same service when a refresh reorders the list", () => {
    let { state } = press(stateWith(fleet), "\x1b[B\x1b[B"); // queue (warning)
    expect(state.selectedId).toBe("queue");
    state = withServices(state, { services: [...fleet.filter((s) => s.id !== "queue"), service("queue", "error")], summary: state.summary! }, now);
    expect(state.selectedId).toBe("queue");
    expect(state.visible[state.selected].status).toBe("error");
  });

  it("p pauses and resumes; q and ctrl-c quit; r refreshes", () => {
    const state = stateWith(fleet);
    const paused = press(state, "p").state;
    expect(paused.paused).toBe(true);
    expect(screen(paused)[0]).toContain("PAUSED");
    expect(press(paused, "p").state.paused).toBe(false);
    expect(press(state, "q").effect).toBe("quit");
    expect(press(state, "\x03").effect).toBe("quit");
    expect(press(state, "r").effect).toBe("refresh");
  });

  it("/ filters as you type, Enter keeps the filter, Esc clears it", () => {
    let { state } = press(stateWith(fleet), "/");
    expect(screen(state).at(-1)).toMatch(/^\//);
    ({ state } = press(state, "lag"));
    expect(state.visible.map((s) => s.id)).toEqual(["queue"]); // matched by its message
    // q is text while typing, not quit.
    const typed = press(state, "q");
    expect(typed.effect).toBeUndefined();
    expect(typed.state.filterDraft).toBe("lagq");
    ({ state } = press(state, "\r"));
    expect(state.filter).toBe("lag");
    expect(state.filterDraft).toBeNull();
    expect(screen(state)[1]).toContain('filter "lag": 1 shown');
    ({ state } = press(state, "\x1b"));
    expect(state.filter).toBe("");
    expect(state.visible).toHaveLength(7);
    // Backspace edits; Esc while typing cancels.
    ({ state } = press(state, "/dbx\x7f"));
    expect(state.filterDraft).toBe("db");
    ({ state } = press(state, "\x1b"));
    expect(state.filterDraft).toBeNull();
    expect(state.visible).toHaveLength(7);
  });

  it("says so when nothing matches", () => {
    const { state } = press(stateWith(fleet), "/zzz\r");
    expect(screen(state).join("\n")).toContain("no service matches the filter");
  });
});

describe("the detail view", () => {
  it("Enter opens the selected service, its details fill in when loaded, Esc goes back", () => {
    const { state: opened, effect } = press(stateWith(fleet), "\r");
    expect(effect).toBe("load-detail");
    expect(opened.view).toBe("detail");
    expect(opened.detail!.id).toBe("db");
    expect(screen(opened).join("\n")).toContain("loading db");
    const loaded = withDetail(opened, "db", {
      service: {
        ...fleet[1],
        metadata: { version: "1.2.3", region: "eu" },
        events: [
          { id: "1", type: "heartbeat", timestamp: "2025-06-01T11:57:00Z", status: "healthy", message: "ok" },
          { id: "2", type: "flip", timestamp: "2025-06-01T11:58:00Z", status: "error", from: "healthy", message: "disk full", reason: "heartbeat" },
        ],
      },
    });
    const text = screen(loaded).join("\n");
    expect(text).toContain("LaneSwap monitor › db");
    expect(text).toContain("version  1.2.3");
    expect(text).toMatch(/flip\s+healthy → error/);
    // Newest first.
    expect(text.indexOf("11:58:00")).toBeLessThan(text.indexOf("11:57:00"));
    const back = press(loaded, "\x1b").state;
    expect(back.view).toBe("list");
    expect(back.detail).toBeNull();
  });

  it("scrolls long details and ignores answers for a service no longer open", () => {
    const { state } = press(stateWith(fleet), "\r");
    const events = Array.from({ length: 60 }, (_, i) => ({ id: String(i), type: "heartbeat" as const, timestamp: new Date(now.getTime() - (60 - i) * 1000).toISOString(), status: "error" as const, message: `beat ${i}` }));
    const loaded = withDetail(state, "db", { service: { ...fleet[1], events } });
    const scrolled = press(loaded, "\x1b[F").state;
    const lines = screen(scrolled);
    expect(lines).toHaveLength(size.rows);
    expect(lines.join("\n")).toContain("beat 0");
    expect(lines.at(-1)).toMatch(/lines \d+-\d+ of \d+/);
    expect(withDetail(loaded, "other", { error: "x" })).toBe(loaded);
  });
});

it("a terminal too small says so instead of drawing garbage", () => {
  const lines = renderMonitor(stateWith(fleet), { columns: 20, rows: 4 }, plain);
  expect(lines).toHaveLength(4);
  expect(lines[0]).toContain("too small");
});
