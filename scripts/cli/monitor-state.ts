import { sanitize } from "./format";
import { sortServices, type ServiceDetail, type ServiceItem, type Summary } from "./service-list";

// The terminal monitor's state and how keys change it: pure functions, so the whole interaction is unit-tested
// without a terminal. monitor.ts does the I/O; monitor-view.ts draws a state.

export type Key =
  | { name: "up" | "down" | "left" | "right" | "pageup" | "pagedown" | "home" | "end" | "enter" | "escape" | "backspace" | "ctrl-c" | "tab" }
  | { name: "char"; ch: string };

export type MonitorState = {
  apiUrl: string;
  intervalSeconds: number;
  now: Date;
  /** Every service, worst status first. */
  services: ServiceItem[];
  summary: Summary | null;
  /** The services the filter lets through, in order. */
  visible: ServiceItem[];
  /** The applied filter, and the text being typed after "/" (null when not typing). */
  filter: string;
  filterDraft: string | null;
  selected: number;
  /** The id under the cursor, so the cursor stays on the same service when the list changes. */
  selectedId: string | null;
  /** Index of the first row on screen. */
  scroll: number;
  paused: boolean;
  view: "list" | "detail";
  detail: { id: string; service: ServiceDetail | null; error: string | null; scroll: number } | null;
  lastUpdated: Date | null;
  /** The last refresh's failure; the data shown stays the last good one. */
  error: string | null;
};

export type Effect = "quit" | "refresh" | "load-detail";

export function initialState(options: { apiUrl: string; intervalSeconds: number; now?: Date }): MonitorState {
  return {
    apiUrl: options.apiUrl,
    intervalSeconds: options.intervalSeconds,
    now: options.now ?? new Date(),
    services: [],
    summary: null,
    visible: [],
    filter: "",
    filterDraft: null,
    selected: 0,
    selectedId: null,
    scroll: 0,
    paused: false,
    view: "list",
    detail: null,
    lastUpdated: null,
    error: null,
  };
}

/** Splits what the terminal sent (one chunk may hold several keys, or pasted text) into keys. */
export function parseKeys(data: string): Key[] {
  const keys: Key[] = [];
  const csi: Record<string, Key["name"]> = {
    A: "up", B: "down", C: "right", D: "left", H: "home", F: "end",
    "1~": "home", "7~": "home", "4~": "end", "8~": "end", "5~": "pageup", "6~": "pagedown",
  };
  let i = 0;
  while (i < data.length) {
    const ch = data[i];
    if (ch === "\x1b") {
      const next = data[i + 1];
      if (next === "[" || next === "O") {
        // CSI (ESC [ params final) or SS3 (ESC O final); unknown ones are skipped whole.
        const m = /^[\x30-\x3f]*[\x20-\x2f]*[\x40-\x7e]/.exec(data.slice(i + 2));
        if (m) {
          const body = m[0].replace(/^1;\d+(?=[A-H])/, "");
          const name = csi[body];
          if (name) keys.push({ name } as Key);
          i += 2 + m[0].length;
          continue;
        }
      }
      keys.push({ name: "escape" });
      i += 1;
      continue;
    }
    if (ch === "\r" || ch === "\n") keys.push({ name: "enter" });
    else if (ch === "\x7f" || ch === "\b") keys.push({ name: "backspace" });
    else if (ch === "\x03") keys.push({ name: "ctrl-c" });
    else if (ch === "\t") keys.push({ name: "tab" });
    else if (ch >= " ") {
      const cp = data.codePointAt(i)!;
      const char = String.fromCodePoint(cp);
      keys.push({ name: "char", ch: char });
      i += char.length;
      continue;
    }
    i += 1;
  }
  return keys;
}

export function matchesFilter(s: ServiceItem, filter: string): boolean {
  const f = filter.trim().toLowerCase();
  if (!f) return true;
  return (
    s.name.toLowerCase().includes(f) ||
    s.id.toLowerCase().includes(f) ||
    s.status.includes(f) ||
    sanitize(s.message).toLowerCase().includes(f)
  );
}

/**
 * Recomputes the visible rows and keeps the cursor on the same service where it still shows; otherwise on the same
 * row after a refresh, or on the first row after the filter changed.
 */
function refilter(state: MonitorState, filterChanged = true): MonitorState {
  const filter = state.filterDraft ?? state.filter;
  const visible = filter ? state.services.filter((s) => matchesFilter(s, filter)) : state.services;
  let selected = state.selectedId ? visible.findIndex((s) => s.id === state.selectedId) : -1;
  if (selected < 0) selected = filterChanged ? 0 : Math.min(state.selected, Math.max(0, visible.length - 1));
  return { ...state, visible, selected, selectedId: visible[selected]?.id ?? null };
}

/** A fresh list from the server. */
export function withServices(state: MonitorState, list: { services: ServiceItem[]; summary: Summary }, now: Date): MonitorState {
  return refilter({ ...state, services: sortServices(list.services), summary: list.summary, lastUpdated: now, now, error: null }, false);
}

export function withDetail(state: MonitorState, id: string, result: { service?: ServiceDetail; error?: string }): MonitorState {
  if (!state.detail || state.detail.id !== id) return state;
  return { ...state, detail: { ...state.detail, service: result.service ?? state.detail.service, error: result.error ?? null } };
}

/** Rows of the list on screen for a terminal of `rows` lines (header, summary, column titles and footer take 4). */
export function listHeight(rows: number): number {
  return Math.max(1, rows - 4);
}

/** The first row to show so that the selected one is on screen, moving the window as little as possible. */
export function scrollFor(selected: number, scroll: number, height: number, count: number): number {
  let top = Math.min(scroll, selected);
  if (selected >= top + height) top = selected - height + 1;
  return Math.max(0, Math.min(top, Math.max(0, count - height)));
}

function moveTo(state: MonitorState, index: number, height: number): MonitorState {
  const count = state.visible.length;
  const selected = Math.max(0, Math.min(count - 1, index));
  return { ...state, selected: Math.max(0, selected), selectedId: state.visible[selected]?.id ?? null, scroll: scrollFor(Math.max(0, selected), state.scroll, height, count) };
}

function scrollDetail(state: MonitorState, delta: number | "top" | "bottom"): MonitorState {
  if (!state.detail) return state;
  const scroll = delta === "top" ? 0 : delta === "bottom" ? Number.MAX_SAFE_INTEGER : Math.max(0, state.detail.scroll + delta);
  // The view clamps the bottom, since only it knows how many lines the detail has.
  return { ...state, detail: { ...state.detail, scroll } };
}

/** What a key does: the next state and, maybe, something for the runtime to do. `rows` is the terminal height. */
export function handleKey(state: MonitorState, key: Key, rows: number): { state: MonitorState; effect?: Effect } {
  const height = listHeight(rows);
  if (key.name === "ctrl-c") return { state, effect: "quit" };

  if (state.filterDraft !== null) {
    if (key.name === "enter") return { state: refilter({ ...state, filter: state.filterDraft.trim(), filterDraft: null, scroll: 0 }) };
    if (key.name === "escape") return { state: refilter({ ...state, filter: "", filterDraft: null, scroll: 0 }) };
    if (key.name === "backspace") return { state: refilter({ ...state, filterDraft: [...state.filterDraft].slice(0, -1).join(""), scroll: 0 }) };
    if (key.name === "char") return { state: refilter({ ...state, filterDraft: (state.filterDraft + key.ch).slice(0, 200), scroll: 0 }) };
    // Moving while typing works too.
  }

  if (state.view === "detail") {
    switch (key.name) {
      case "escape":
      case "backspace":
      case "left":
        return { state: { ...state, view: "list", detail: null } };
      case "up": return { state: scrollDetail(state, -1) };
      case "down": return { state: scrollDetail(state, 1) };
      case "pageup": return { state: scrollDetail(state, -height) };
      case "pagedown": return { state: scrollDetail(state, height) };
      case "home": return { state: scrollDetail(state, "top") };
      case "end": return { state: scrollDetail(state, "bottom") };
      case "char":
        if (key.ch === "q") return { state, effect: "quit" };
        if (key.ch === "p") return { state: { ...state, paused: !state.paused } };
        if (key.ch === "k") return { state: scrollDetail(state, -1) };
        if (key.ch === "j") return { state: scrollDetail(state, 1) };
        if (key.ch === "r") return { state, effect: "refresh" };
        return { state };
      default:
        return { state };
    }
  }

  switch (key.name) {
    case "up": return { state: moveTo(state, state.selected - 1, height) };
    case "down": return { state: moveTo(state, state.selected + 1, height) };
    case "pageup": return { state: moveTo(state, state.selected - height, height) };
    case "pagedown": return { state: moveTo(state, state.selected + height, height) };
    case "home": return { state: moveTo(state, 0, height) };
    case "end": return { state: moveTo(state, state.visible.length - 1, height) };
    case "escape": return { state: state.filter ? refilter({ ...state, filter: "", scroll: 0 }) : state };
    case "enter": {
      const service = state.visible[state.selected];
      if (!service) return { state };
      return { state: { ...state, view: "detail", detail: { id: service.id, service: null, error: null, scroll: 0 } }, effect: "load-detail" };
    }
    case "char":
      if (state.filterDraft !== null) return { state };
      switch (key.ch) {
        case "q": return { state, effect: "quit" };
        case "p": return { state: { ...state, paused: !state.paused } };
        case "/": return { state: refilter({ ...state, filterDraft: state.filter }) };
        case "r": return { state, effect: "refresh" };
        case "k": return { state: moveTo(state, state.selected - 1, height) };
        case "j": return { state: moveTo(state, state.selected + 1, height) };
        case "g": return { state: moveTo(state, 0, height) };
        case "G": return { state: moveTo(state, state.visible.length - 1, height) };
        default: return { state };
      }
    default:
      return { state };
  }
}
