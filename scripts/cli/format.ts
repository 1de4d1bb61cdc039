import { createColors } from "picocolors";
import type { Status } from "../../lib/core/status";

// Pure text helpers for the CLI's human output and the terminal monitor: colours, column widths that count wide
// characters, ages, tables. No I/O here.

export type Colors = ReturnType<typeof createColors>;

/** Colours on a terminal, off in pipes and files, off with NO_COLOR (no-color.org), forced with FORCE_COLOR. */
export function colorsEnabled(stream: { isTTY?: boolean }, env: Record<string, string | undefined> = process.env): boolean {
  if (env.NO_COLOR) return false;
  if (env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== "" && env.FORCE_COLOR !== "0") return true;
  return Boolean(stream.isTTY) && env.TERM !== "dumb";
}

export function makeColors(enabled: boolean): Colors {
  return createColors(enabled);
}

const STATUS_PAINT: Record<Status, keyof Colors> = {
  error: "red",
  stale: "magenta",
  warning: "yellow",
  degraded: "yellow",
  busy: "cyan",
  unknown: "gray",
  healthy: "green",
};

export const MARKER = "●";

export function paintStatus(c: Colors, status: Status, text: string = status): string {
  const paint = c[STATUS_PAINT[status] ?? "white"] as (s: string) => string;
  return paint(text);
}

/** The coloured marker and the status name, e.g. "● warning". */
export function statusLabel(c: Colors, status: Status): string {
  return paintStatus(c, status, `${MARKER} ${status}`);
}

// Control characters (ESC would let a service message drive the terminal), line breaks and bidirectional
// overrides become spaces; runs of whitespace collapse, so one value is one line.
const UNSAFE = /[\p{Cc}\u2028\u2029\u202A-\u202E\u2066-\u2069]/gu;

export function sanitize(text: string | null | undefined): string {
  if (!text) return "";
  return text.replace(UNSAFE, " ").replace(/\s{2,}/g, " ").trim();
}

const ZERO_WIDTH = /^[\p{Mn}\p{Me}\p{Cf}]$/u;
const WIDE =
  /^[\u1100-\u115F\u231A\u231B\u2329\u232A\u23E9-\u23EC\u23F0\u23F3\u25FD\u25FE\u2614\u2615\u2648-\u2653\u267F\u2693\u26A1\u26AA\u26AB\u26BD\u26BE\u26C4\u26C5\u26CE\u26D4\u26EA\u26F2\u26F3\u26F5\u26FA\u26FD\u2705\u270A\u270B\u2728\u274C\u274E\u2753-\u2755\u2757\u2795-\u2797\u27B0\u27BF\u2B1B\u2B1C\u2B50\u2B55\u2E80-\u303E\u3041-\u33FF\u3400-\u4DBF\u4E00-\u9FFF\uA000-\uA4CF\uA960-\uA97F\uAC00-\uD7A3\uF900-\uFAFF\uFE10-\uFE19\uFE30-\uFE6F\uFF00-\uFF60\uFFE0-\uFFE6\u{16FE0}-\u{1B2FF}\u{1F004}\u{1F0CF}\u{1F18E}\u{1F191}-\u{1F19A}\u{1F200}-\u{1F251}\u{1F300}-\u{1F64F}\u{1F680}-\u{1F6FF}\u{1F7E0}-\u{1F7EB}\u{1F90C}-\u{1F9FF}\u{1FA70}-\u{1FAFF}\u{20000}-\u{3FFFD}]$/u;

function charWidth(ch: string): number {
  if (ZERO_WIDTH.test(ch)) return 0;
  return WIDE.test(ch) ? 2 : 1;
}

// Terminal escape sequences take no room on screen.
const ANSI = /\x1b\[[0-9;?]*[A-Za-z]/g;

export function stripAnsi(text: string): string {
  return text.replace(ANSI, "");
}

/** Columns a string takes in a terminal: CJK and emoji count two, combining marks (Thai vowels, accents) none. */
export function displayWidth(text: string): number {
  let width = 0;
  for (const ch of stripAnsi(text)) width += charWidth(ch);
  return width;
}

/** Cuts plain text (no escapes) to at most `width` columns, ending in "…" when something was cut. */
export function truncate(text: string, width: number): string {
  if (width <= 0) return "";
  if (displayWidth(text) <= width) return text;
  let out = "";
  let used = 0;
  for (const ch of text) {
    const w = charWidth(ch);
    if (used + w > width - 1) break;
    out += ch;
    used += w;
  }
  return out + "…";
}

/** Plain text cut or padded to exactly `width` columns. */
export function fit(text: string, width: number): string {
  const cut = truncate(text, width);
  return cut + " ".repeat(Math.max(0, width - displayWidth(cut)));
}

/** "12s ago", "5m ago", "3h ago", "4d ago", or "never". */
export function formatAge(iso: string | null | undefined, now: Date): string {
  if (!iso) return "never";
  const ms = now.getTime() - new Date(iso).getTime();
  if (!Number.isFinite(ms)) return "?";
  const s = Math.max(0, Math.floor(ms / 1000));
  if (s < 60) return `${s}s ago`;
  if (s < 3600) return `${Math.floor(s / 60)}m ago`;
  if (s < 86_400) return `${Math.floor(s / 3600)}h ago`;
  return `${Math.floor(s / 86_400)}d ago`;
}

/** "2025-01-31 12:00:05 UTC" */
export function formatTime(iso: string | null | undefined): string {
  if (!iso) return "never";
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return d.toISOString().replace("T", " ").replace(/\.\d+Z$/, " UTC");
}

export type Column = {
  header: string;
  /** Shrinks first (down to minWidth) when the table is wider than the terminal. */
  flexible?: boolean;
  minWidth?: number;
};

/**
 * A table with a header row and columns two spaces apart. Cells may hold colour escapes. With `maxWidth` (the
 * terminal's width), flexible columns are cut to fit; without it nothing is cut (pipes get whole values).
 */
export function renderTable(columns: Column[], rows: string[][], options: { maxWidth?: number; colors?: Colors } = {}): string[] {
  const gap = 2;
  const widths = columns.map((col, i) => Math.max(displayWidth(col.header), ...rows.map((r) => displayWidth(r[i] ?? ""))));
  if (options.maxWidth) {
    let excess = widths.reduce((a, b) => a + b, 0) + gap * (columns.length - 1) - options.maxWidth;
    const flexible = columns.map((c, i) => (c.flexible ? i : -1)).filter((i) => i >= 0).reverse();
    for (const i of flexible) {
      if (excess <= 0) break;
      const min = Math.max(columns[i].minWidth ?? 8, displayWidth(columns[i].header));
      const cut = Math.min(excess, Math.max(0, widths[i] - min));
      widths[i] -= cut;
      excess -= cut;
    }
  }
  const cell = (text: string, i: number, last: boolean) => {
    const plain = stripAnsi(text);
    // Colour escapes are kept only when the cell fits whole; a cut cell is shown plain.
    const shown = displayWidth(plain) > widths[i] ? truncate(plain, widths[i]) : text;
    return last ? shown : shown + " ".repeat(Math.max(0, widths[i] - displayWidth(shown)));
  };
  const line = (cells: string[]) =>
    cells
      .map((text, i) => cell(text, i, i === cells.length - 1))
      .join(" ".repeat(gap))
      .trimEnd();
  const bold = options.colors ? options.colors.bold : (s: string) => s;
  return [bold(line(columns.map((c) => c.header))), ...rows.map(line)];
}

/** Cuts a line that may hold colour escapes to `width` columns; escapes are kept and colours reset after a cut. */
export function truncateAnsi(line: string, width: number): string {
  if (displayWidth(line) <= width) return line;
  let out = "";
  let used = 0;
  let i = 0;
  while (i < line.length) {
    const esc = /^\x1b\[[0-9;?]*[A-Za-z]/.exec(line.slice(i));
    if (esc) {
      out += esc[0];
      i += esc[0].length;
      continue;
    }
    const ch = String.fromCodePoint(line.codePointAt(i)!);
    const w = charWidth(ch);
    if (used + w > width - 1) break;
    out += ch;
    used += w;
    i += ch.length;
  }
  return out + "…" + (line.includes("\x1b[") ? "\x1b[0m" : "");
}
