import type { Command } from "commander";
import { z } from "zod";
import { cliOf, parseOption, type Cli } from "./context";
import { renderTable } from "./format";
import { handleKey, initialState, parseKeys, withDetail, withServices, type Effect, type MonitorState } from "./monitor-state";
import { renderMonitor } from "./monitor-view";
import { fetchAllServices, LIST_COLUMNS, listRows, summaryText, type ServiceDetail } from "./service-list";

// laneswap monitor — the terminal monitor. On a terminal: a full-screen view (alternate screen, raw keys) that
// refreshes every --interval seconds. In a pipe: the table once.

const ENTER_SCREEN = "\x1b[?1049h\x1b[?25l\x1b[H\x1b[2J";
const LEAVE_SCREEN = "\x1b[?25h\x1b[?1049l";

async function printOnce(cli: Cli): Promise<void> {
  const list = await fetchAllServices(cli.api);
  if (cli.json) return cli.printJson(list);
  const now = new Date();
  cli.print(`LaneSwap ${cli.apiUrl} at ${now.toISOString()}: ${summaryText(list.summary, cli.colors)}`);
  if (list.services.length) for (const line of renderTable(LIST_COLUMNS, listRows(list.services, now, cli.colors), { maxWidth: cli.columns, colors: cli.colors })) cli.print(line);
}

async function runInteractive(cli: Cli, intervalSeconds: number): Promise<void> {
  const stdin = process.stdin;
  const stdout = process.stdout;
  const colors = cli.colors;
  // The first load happens before the screen is taken, so a wrong key or a server that is down is reported plainly.
  let state = withServices(initialState({ apiUrl: cli.apiUrl, intervalSeconds }), await fetchAllServices(cli.api), new Date());

  let closed = false;
  let refreshing = false;
  let finish: () => void = () => {};
  const done = new Promise<void>((resolve) => (finish = resolve));
  const size = () => ({ columns: stdout.columns || 80, rows: stdout.rows || 24 });

  const draw = () => {
    if (closed) return;
    const lines = renderMonitor(state, size(), colors);
    stdout.write("\x1b[H" + lines.map((line, i) => `\x1b[${i + 1};1H${line}\x1b[K`).join("") + "\x1b[J");
  };

  const refresh = async () => {
    if (refreshing || closed) return;
    refreshing = true;
    try {
      const list = await fetchAllServices(cli.api);
      state = withServices(state, list, new Date());
    } catch (error) {
      state = { ...state, error: (error as Error).message };
    }
    const detailId = state.view === "detail" ? state.detail?.id : undefined;
    if (detailId) await loadDetail(detailId);
    refreshing = false;
    draw();
  };

  const loadDetail = async (id: string) => {
    try {
      const service = await cli.api.get<ServiceDetail>(`/api/services/${encodeURIComponent(id)}`);
      state = withDetail(state, id, { service });
    } catch (error) {
      state = withDetail(state, id, { error: (error as Error).message });
    }
    draw();
  };

  const restore = () => {
    if (closed) return;
    closed = true;
    clearInterval(refreshTimer);
    clearInterval(clockTimer);
    stdout.off("resize", draw);
    process.off("SIGWINCH", draw);
    stdin.off("data", onData);
    if (stdin.isTTY) stdin.setRawMode(false);
    stdin.pause();
    stdout.write(LEAVE_SCREEN);
  };

  const run = (effect: Effect | undefined) => {
    if (effect === "quit") {
      restore();
      finish();
    } else if (effect === "refresh") void refresh();
    else if (effect === "load-detail" && state.detail) void loadDetail(state.detail.id);
  };

  const onData = (data: Buffer | string) => {
    for (const key of parseKeys(data.toString())) {
      const result = handleKey(state, key, size().rows);
      state = result.state;
      run(result.effect);
      if (closed) return;
    }
    draw();
  };

  const refreshTimer = setInterval(() => {
    if (!state.paused) void refresh();
  }, intervalSeconds * 1000);
  // Ages ("12s ago") move every second even between refreshes.
  const clockTimer = setInterval(() => {
    state = { ...state, now: new Date() };
    draw();
  }, 1000);

  const onSignal = () => {
    restore();
    finish();
  };
  process.once("SIGTERM", onSignal);
  process.once("SIGHUP", onSignal);
  process.once("exit", restore);

  stdout.write(ENTER_SCREEN);
  stdin.setRawMode(true);
  stdin.setEncoding("utf8");
  stdin.on("data", onData);
  stdin.resume();
  stdout.on("resize", draw);
  process.on("SIGWINCH", draw);
  draw();
  await done;
  process.off("SIGTERM", onSignal);
  process.off("SIGHUP", onSignal);
}

export function registerMonitorCommand(program: Command): void {
  program
    .command("monitor")
    .description("watch every service in the terminal (q quit, p pause, / filter, ↑↓ move, Enter details); prints once when not on a terminal")
    .option("--interval <seconds>", "seconds between refreshes", "5")
    .option("--once", "print the table once and exit, even on a terminal")
    .action(async (opts, command: Command) => {
      const cli = cliOf(command);
      const interval = parseOption(z.coerce.number().min(1).max(3600), opts.interval, "--interval");
      const interactive = !opts.once && !cli.json && process.stdout.isTTY && process.stdin.isTTY;
      if (!interactive) return printOnce(cli);
      await runInteractive(cli, interval);
    });
}
