import { displayWidth, fit, formatAge, MARKER, paintStatus, sanitize, truncateAnsi, type Colors } from "./format";
import { listHeight, scrollFor, type MonitorState } from "./monitor-state";
import { serviceDetailLines, summaryText } from "./service-list";

// Draws the terminal monitor: a pure function from its state and the terminal's size to the lines on screen.
// Only the rows in view are formatted, so 10,000 services cost no more to draw than 30.

export type TerminalSize = { columns: number; rows: number };

const STATUS_WIDTH = 10; // "● degraded"
const AGE_WIDTH = 9; // "LAST BEAT", "59m ago", "never"

function header(state: MonitorState, c: Colors, title: string): string {
  const right = state.paused
    ? c.yellow("PAUSED (p resumes)")
    : state.lastUpdated
      ? c.dim(`updated ${formatAge(state.lastUpdated.toISOString(), state.now)} · every ${state.intervalSeconds}s`)
      : c.dim("loading…");
  return `${c.bold(title)}  ${c.dim(state.apiUrl)}  ${right}`;
}

function listFooter(state: MonitorState, c: Colors): string {
  if (state.filterDraft !== null) return `${c.bold("/")}${sanitize(state.filterDraft)}${c.inverse(" ")}  ${c.dim("Enter keep · Esc clear")}`;
  if (state.error) return c.red(`refresh failed: ${state.error} (retrying)`);
  const position = state.visible.length ? `${state.selected + 1}/${state.visible.length}  ` : "";
  return c.dim(`${position}q quit  p pause  / filter  ↑↓ PgUp PgDn Home End move  Enter details  r refresh`);
}

function renderList(state: MonitorState, size: TerminalSize, c: Colors): string[] {
  const height = listHeight(size.rows);
  const filter = state.filterDraft ?? state.filter;
  const summary = state.summary ? summaryText(state.summary, c) : c.dim("loading…");
  const lines = [
    header(state, c, "LaneSwap monitor"),
    (filter ? c.bold(`filter "${sanitize(filter)}": ${state.visible.length} shown`) + c.dim("  ·  ") : "") + summary,
  ];

  const top = scrollFor(state.selected, state.scroll, height, state.visible.length);
  const window = state.visible.slice(top, top + height);
  // Columns: cursor, status, name, last heartbeat, message, id. Name and id take what their widest row in view
  // needs (within a share of the width); the message gets the rest.
  const fixed = 2 + STATUS_WIDTH + 2 + 2 + AGE_WIDTH + 2 + 2;
  const rest = Math.max(0, size.columns - fixed);
  const idWidth = Math.min(Math.max(2, ...window.map((s) => displayWidth(s.id))), Math.max(8, Math.floor(rest * 0.3)));
  const nameWidth = Math.min(Math.max(4, ...window.map((s) => displayWidth(sanitize(s.name)))), Math.max(8, Math.floor(rest * 0.35)));
  const messageWidth = Math.max(0, rest - idWidth - nameWidth);

  lines.push(c.dim(`  ${fit("STATUS", STATUS_WIDTH)}  ${fit("NAME", nameWidth)}  ${fit("LAST BEAT", AGE_WIDTH)}  ${fit("MESSAGE", messageWidth)}  ${fit("ID", idWidth)}`));
  window.forEach((s, i) => {
    const selected = top + i === state.selected;
    const status = fit(`${MARKER} ${s.status}`, STATUS_WIDTH);
    const rest = `${fit(sanitize(s.name), nameWidth)}  ${fit(formatAge(s.last_heartbeat, state.now), AGE_WIDTH)}  ${fit(sanitize(s.message), messageWidth)}  ${fit(s.id, idWidth)}`;
    const row = `${selected ? ">" : " "} ${paintStatus(c, s.status, status)}  ${s.paused ? c.dim(rest) : rest}`;
    lines.push(selected ? c.inverse(row) : row);
  });
  if (!state.visible.length) {
    lines.push(c.dim(state.lastUpdated ? (filter ? "  no service matches the filter (Esc clears it)" : "  no services yet: register one with `laneswap register --name <name>`") : "  loading…"));
  }
  while (lines.length < size.rows - 1) lines.push("");
  lines.push(listFooter(state, c));
  return lines;
}

function renderDetail(state: MonitorState, size: TerminalSize, c: Colors): string[] {
  const detail = state.detail!;
  const service = detail.service;
  const title = `LaneSwap monitor › ${service ? sanitize(service.name) : detail.id}`;
  const body = service
    ? serviceDetailLines(service, { now: state.now, colors: c, apiUrl: state.apiUrl })
    : [detail.error ? c.red(`cannot load ${detail.id}: ${detail.error}`) : c.dim(`loading ${detail.id}…`)];
  if (service && detail.error) body.unshift(c.red(`refresh failed: ${detail.error}`));
  const height = Math.max(1, size.rows - 2);
  const scroll = Math.max(0, Math.min(detail.scroll, body.length - height));
  const lines = [header(state, c, title), ...body.slice(scroll, scroll + height)];
  while (lines.length < size.rows - 1) lines.push("");
  const more = body.length > height ? `lines ${scroll + 1}-${Math.min(body.length, scroll + height)} of ${body.length}  ` : "";
  lines.push(c.dim(`${more}Esc back  ↑↓ PgUp PgDn scroll  p pause  q quit`));
  return lines;
}

/** Exactly `size.rows` lines, none wider than `size.columns`. */
export function renderMonitor(state: MonitorState, size: TerminalSize, c: Colors): string[] {
  if (size.columns < 30 || size.rows < 6) {
    const lines = [truncateAnsi("terminal too small for the monitor", Math.max(1, size.columns))];
    while (lines.length < size.rows) lines.push("");
    return lines.slice(0, Math.max(0, size.rows));
  }
  const lines = state.view === "detail" && state.detail ? renderDetail(state, size, c) : renderList(state, size, c);
  // The last column of the last line is left empty: writing there makes some terminals scroll.
  return lines.slice(0, size.rows).map((line, i) => truncateAnsi(line, i === size.rows - 1 ? size.columns - 1 : size.columns));
}
