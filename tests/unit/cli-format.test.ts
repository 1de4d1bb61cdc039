import { describe, expect, it } from "vitest";
import {
  colorsEnabled,
  displayWidth,
  fit,
  formatAge,
  formatTime,
  makeColors,
  renderTable,
  sanitize,
  statusLabel,
  stripAnsi,
  truncate,
  truncateAnsi,
} from "../../scripts/cli/format";

const now = new Date("2025-06-01T12:00:00Z");
const ago = (seconds: number) => new Date(now.getTime() - seconds * 1000).toISOString();

describe("colours", () => {
  it("are on for a terminal and off for pipes, with NO_COLOR and with TERM=dumb", () => {
    expect(colorsEnabled({ isTTY: true }, {})).toBe(true);
    expect(colorsEnabled({ isTTY: false }, {})).toBe(false);
    expect(colorsEnabled({}, {})).toBe(false);
    expect(colorsEnabled({ isTTY: true }, { NO_COLOR: "1" })).toBe(false);
    expect(colorsEnabled({ isTTY: true }, { TERM: "dumb" })).toBe(false);
  });

  it("an empty NO_COLOR does not count; FORCE_COLOR turns them on in a pipe, FORCE_COLOR=0 does not", () => {
    expect(colorsEnabled({ isTTY: true }, { NO_COLOR: "" })).toBe(true);
    expect(colorsEnabled({ isTTY: false }, { FORCE_COLOR: "1" })).toBe(true);
    expect(colorsEnabled({ isTTY: false }, { FORCE_COLOR: "0" })).toBe(false);
    expect(colorsEnabled({ isTTY: false }, { FORCE_COLOR: "1", NO_COLOR: "1" })).toBe(false);
  });

  it("a status label carries escapes only when colours are on", () => {
    expect(statusLabel(makeColors(false), "error")).toBe("● error");
    const coloured = statusLabel(makeColors(true), "error");
    expect(coloured).toContain("\x1b[31m");
    expect(stripAnsi(coloured)).toBe("● error");
  });
});

describe("sanitize", () => {
  it("turns escapes, line breaks and bidi overrides into single spaces", () => {
    expect(sanitize("bad\x1b[31m red\nline\ttwo")).toBe("bad [31m red line two");
    expect(sanitize("a\u202Eb")).toBe("a b");
    expect(sanitize(null)).toBe("");
    expect(sanitize("  padded  ")).toBe("padded");
  });
});

describe("display width", () => {
  it("counts CJK and emoji as two columns, Thai combining marks as none, escapes as none", () => {
    expect(displayWidth("abc")).toBe(3);
    expect(displayWidth("日本")).toBe(4);
    expect(displayWidth("🚀")).toBe(2);
    expect(displayWidth("ที่")).toBe(1); // one base consonant and two combining marks
    expect(displayWidth("\x1b[31mred\x1b[39m")).toBe(3);
  });

  it("truncate cuts to the width with an ellipsis, never splitting a wide character past the edge", () => {
    expect(truncate("hello world", 20)).toBe("hello world");
    expect(truncate("hello world", 6)).toBe("hello…");
    expect(displayWidth(truncate("日本語のサービス", 7))).toBeLessThanOrEqual(7);
    expect(truncate("abc", 0)).toBe("");
  });

  it("fit pads or cuts to exactly the width", () => {
    expect(fit("ab", 4)).toBe("ab  ");
    expect(fit("abcdef", 4)).toBe("abc…");
    expect(displayWidth(fit("日本語", 5))).toBe(5);
  });

  it("truncateAnsi keeps the escapes, cuts the text and resets the colour", () => {
    const c = makeColors(true);
    const line = c.red("a long red line") + " and more";
    const cut = truncateAnsi(line, 8);
    expect(stripAnsi(cut)).toBe("a long …");
    expect(cut.endsWith("\x1b[0m")).toBe(true);
    expect(truncateAnsi("short", 10)).toBe("short");
  });
});

describe("times", () => {
  it("formats ages in the largest whole unit", () => {
    expect(formatAge(null, now)).toBe("never");
    expect(formatAge(ago(5), now)).toBe("5s ago");
    expect(formatAge(ago(59), now)).toBe("59s ago");
    expect(formatAge(ago(60), now)).toBe("1m ago");
    expect(formatAge(ago(3 * 3600 + 5), now)).toBe("3h ago");
    expect(formatAge(ago(4 * 86_400), now)).toBe("4d ago");
    // A clock a little ahead of ours is not a negative age.
    expect(formatAge(ago(-3), now)).toBe("0s ago");
  });

  it("formats timestamps as UTC without milliseconds", () => {
    expect(formatTime("2025-06-01T12:00:05.123Z")).toBe("2025-06-01 12:00:05 UTC");
    expect(formatTime(null)).toBe("never");
  });
});

describe("renderTable", () => {
  const columns = [{ header: "ID" }, { header: "MESSAGE", flexible: true, minWidth: 8 }, { header: "AGE" }];
  const rows = [
    ["a", "a fairly long message that goes on", "1s"],
    ["bbbb", "short", "2m"],
  ];

  it("aligns columns two spaces apart without cutting anything when there is no width limit", () => {
    const lines = renderTable(columns, rows);
    expect(lines[0]).toBe("ID    MESSAGE                             AGE");
    expect(lines[1]).toBe("a     a fairly long message that goes on  1s");
    expect(lines[2]).toBe("bbbb  short                               2m");
  });

  it("cuts the flexible columns to fit the terminal", () => {
    const lines = renderTable(columns, rows, { maxWidth: 30 });
    for (const line of lines) expect(displayWidth(line)).toBeLessThanOrEqual(30);
    expect(lines[1]).toContain("…");
    expect(lines[1].endsWith("1s")).toBe(true);
  });

  it("measures cells by what they show, not by their colour escapes", () => {
    const c = makeColors(true);
    const lines = renderTable([{ header: "S" }, { header: "X" }], [[c.red("err"), "x"], ["ok", "y"]]);
    expect(stripAnsi(lines[1])).toBe("err  x");
    expect(lines[2]).toBe("ok   y");
  });
});
