import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseConfig } from "../../lib/config";
import { createDb } from "../../lib/db/client";
import { applyMigrations } from "../../lib/db/migrate";
import { ADMIN_KEY, createDatabase, startServer, type TestServer } from "./harness";

// The terminal monitor in a real pseudo-terminal: tmux runs `laneswap monitor`, send-keys presses keys and
// capture-pane reads the screen.

// A tmux server of this file's own, on its own socket, without the user's configuration.
const socket = path.join(os.tmpdir(), `laneswap-test-tmux-${process.pid}`);
const tmux = (...args: string[]) => execFileSync("tmux", ["-S", socket, "-f", "/dev/null", ...args], { encoding: "utf8" });

function startMonitor(session: string, server: TestServer, options: { interval?: number; columns?: number; rows?: number } = {}) {
  const env = [`API_URL=${server.url}`, `LANESWAP_API_KEY=${ADMIN_KEY}`, "TERM=xterm-256color", "NO_COLOR="];
  // After the monitor quits the shell prints its exit code on the normal screen and keeps the pane open.
  const command = `env ${env.join(" ")} ${process.execPath} bin/laneswap.js monitor --interval ${options.interval ?? 1}; echo "monitor exited with $?"; sleep 120`;
  tmux("new-session", "-d", "-s", session, "-x", String(options.columns ?? 120), "-y", String(options.rows ?? 30), "-c", process.cwd(), command);
}

const screen = (session: string) => tmux("capture-pane", "-p", "-t", session);
const keys = (session: string, ...k: string[]) => tmux("send-keys", "-t", session, ...k);
const typeText = (session: string, text: string) => tmux("send-keys", "-t", session, "-l", text);

async function waitForScreen(session: string, predicate: (text: string) => boolean, what: string, timeoutMs = 45_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  let text = "";
  while (Date.now() < deadline) {
    text = screen(session);
    if (predicate(text)) return text;
    await new Promise((r) => setTimeout(r, 150));
  }
  throw new Error(`the monitor never showed ${what}; the screen was:\n${text}`);
}

const rowOf = (text: string, id: string) => text.split("\n").find((line) => line.trimEnd().endsWith(` ${id}`));
const rowIndex = (text: string, id: string) => text.split("\n").findIndex((line) => line.trimEnd().endsWith(` ${id}`));

beforeAll(() => {
  tmux("start-server", ";", "set-option", "-g", "status", "off");
});

afterAll(() => {
  try {
    tmux("kill-server");
  } catch {
    // already gone
  }
  fs.rmSync(socket, { force: true });
});

describe("laneswap monitor in a terminal", () => {
  let server: TestServer;
  // Short ids, so that the ID column shows them whole at 120 columns (the database is this file's own).
  const p = "tui";
  const ids = { ok: `${p}-alpha`, err: `${p}-bravo`, warn: `${p}-charlie`, busy: `${p}-delta`, fresh: `${p}-echo` };

  beforeAll(async () => {
    server = await startServer(await createDatabase("sqlite"));
    const beat = (id: string, status: string, message?: string) => server.api(`/api/services/${id}/heartbeat`, { method: "POST", json: { status, message } });
    for (const [what, id] of Object.entries(ids)) {
      await server.api("/api/services", { method: "POST", json: { service_name: id, service_id: id, metadata: { team: `team-${what}` } } });
    }
    await beat(ids.ok, "healthy", "all good");
    await beat(ids.err, "error", "disk full");
    await beat(ids.warn, "warning", "lagging");
    await beat(ids.busy, "busy");
  });

  afterAll(async () => {
    await server?.stop();
    await server?.db.drop();
  });

  it("lists the services sorted by severity with a summary, and the keys work", async () => {
    const s = "main";
    startMonitor(s, server);
    let text = await waitForScreen(s, (t) => t.includes(ids.fresh) && t.includes("services:"), "the services");
    expect(text).toContain("LaneSwap monitor");
    expect(text).toMatch(/5 services: 1 error, 1 warning, 1 busy, 1 unknown, 1 healthy/);
    const order = [ids.err, ids.warn, ids.busy, ids.fresh, ids.ok].map((id) => rowIndex(text, id));
    expect(order.every((i) => i > 0)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
    expect(rowOf(text, ids.err)).toMatch(/^> ● error\s+\S+\s+\d+s ago\s+disk full/);
    expect(rowOf(text, ids.fresh)).toMatch(/● unknown\s+\S+\s+never/);

    // / filters: type, Enter keeps it.
    keys(s, "/");
    typeText(s, "charlie");
    text = await waitForScreen(s, (t) => !t.includes(ids.err) && t.includes(ids.warn), "the filtered list");
    expect(text).toContain('filter "charlie": 1 shown');
    keys(s, "Enter");
    // Enter again opens the details of the selected service: its metadata and events.
    keys(s, "Enter");
    text = await waitForScreen(s, (t) => t.includes("team-warn"), "the details");
    expect(text).toContain(`LaneSwap monitor › ${ids.warn}`);
    expect(text).toMatch(/team\s+team-warn/);
    expect(text).toMatch(/flip\s+unknown → warning/);
    // Esc goes back to the (still filtered) list, Esc again clears the filter.
    keys(s, "Escape");
    await waitForScreen(s, (t) => t.includes('filter "charlie"') && !t.includes("team-warn"), "the list again");
    keys(s, "Escape");
    text = await waitForScreen(s, (t) => t.includes(ids.err) && t.includes(ids.ok), "the whole list");

    // The cursor stayed on the service just looked at; Up and Down move it.
    expect(rowOf(text, ids.warn)!.startsWith(">")).toBe(true);
    keys(s, "Up");
    text = await waitForScreen(s, (t) => (rowOf(t, ids.err) ?? "").startsWith(">"), "the cursor on the first row");
    expect(text).toContain("1/5");
    keys(s, "Down");
    text = await waitForScreen(s, (t) => (rowOf(t, ids.warn) ?? "").startsWith(">"), "the cursor on the second row");
    expect(text).toContain("2/5");

    // It refreshes by itself: a new status shows and re-sorts.
    await server.api(`/api/services/${ids.ok}/heartbeat`, { method: "POST", json: { status: "error", message: "now broken" } });
    text = await waitForScreen(s, (t) => /● error .*now broken/.test(t), "the refreshed status");
    expect(rowIndex(text, ids.ok)).toBeLessThan(rowIndex(text, ids.busy));
    // The cursor stayed on the same service although rows moved.
    expect(rowOf(text, ids.warn)!.startsWith(">")).toBe(true);

    // p pauses: changes no longer show until it resumes.
    keys(s, "p");
    await waitForScreen(s, (t) => t.includes("PAUSED"), "PAUSED");
    // Let a refresh that started before the key press finish.
    await new Promise((r) => setTimeout(r, 1500));
    await server.api(`/api/services/${ids.ok}/heartbeat`, { method: "POST", json: { status: "healthy", message: "fixed again" } });
    await new Promise((r) => setTimeout(r, 2500));
    expect(screen(s)).not.toContain("fixed again");
    keys(s, "p");
    await waitForScreen(s, (t) => t.includes("fixed again") && !t.includes("PAUSED"), "the refresh after resuming");

    // A resize redraws for the new size.
    tmux("resize-window", "-t", s, "-x", "70", "-y", "14");
    text = await waitForScreen(s, (t) => t.split("\n").filter((l) => l.length).length > 0 && t.split("\n")[13]?.includes("q quit"), "the redraw at 70x14");
    for (const line of text.split("\n")) expect(line.length).toBeLessThanOrEqual(70);

    // q quits, leaving the alternate screen, with exit code 0.
    keys(s, "q");
    text = await waitForScreen(s, (t) => t.includes("monitor exited with"), "the exit");
    expect(text).toContain("monitor exited with 0");
    expect(text).not.toContain("LaneSwap monitor");
  }, 240_000);

  it("a wrong key is reported before the screen is taken, exit code 1", async () => {
    const s = "wrongkey";
    const command = `env API_URL=${server.url} LANESWAP_API_KEY=wrong-key-1234567890 ${process.execPath} bin/laneswap.js monitor; echo "monitor exited with $?"; sleep 120`;
    tmux("new-session", "-d", "-s", s, "-x", "150", "-y", "20", "-c", process.cwd(), command);
    const text = await waitForScreen(s, (t) => t.includes("monitor exited with"), "the exit");
    expect(text).toContain("monitor exited with 1");
    expect(text).toContain("set LANESWAP_API_KEY or pass --api-key");
  }, 240_000);
});

describe("laneswap monitor with 10,000 services", () => {
  let server: TestServer;

  beforeAll(async () => {
    const db = await createDatabase("sqlite");
    const config = parseConfig({ DATABASE_URL: db.url, DATA_DIR: db.dataDir });
    await applyMigrations(config);
    const prisma = await createDb(config);
    const now = new Date();
    const far = new Date(now.getTime() + 24 * 3600 * 1000);
    await prisma.service.createMany({
      data: Array.from({ length: 10_000 }, (_, i) => {
        const id = `bulk-${String(i).padStart(5, "0")}`;
        return { id, name: id, status: i % 1000 === 7 ? "error" : "healthy", message: `message ${i}`, metadata: {}, createdAt: now, updatedAt: now, lastHeartbeat: now, deadline: far };
      }),
    });
    await prisma.$disconnect();
    server = await startServer(db);
  }, 180_000);

  afterAll(async () => {
    await server?.stop();
    await server?.db.drop();
  });

  it("fetches every page, and scrolls from the first row to the last and back", async () => {
    const s = "bulk";
    startMonitor(s, server, { interval: 30, rows: 24 });
    let text = await waitForScreen(s, (t) => t.includes("10000 services: 10 error, 9990 healthy"), "the summary", 60_000);
    // The ten errors first.
    expect(rowOf(text, "bulk-00007")).toMatch(/^> ● error/);
    expect(text).toContain("1/10000");
    keys(s, "End");
    text = await waitForScreen(s, (t) => t.includes("10000/10000"), "the last row");
    expect(rowOf(text, "bulk-09999")).toMatch(/^> ● healthy/);
    keys(s, "PPage");
    text = await waitForScreen(s, (t) => !t.includes("10000/10000") && /\d+\/10000/.test(t), "a page up");
    expect(text).toMatch(/99[0-9]{2}\/10000/);
    keys(s, "Home");
    text = await waitForScreen(s, (t) => t.includes("1/10000") && t.includes("bulk-00007"), "the first row");
    keys(s, "/");
    typeText(s, "bulk-04242");
    keys(s, "Enter");
    text = await waitForScreen(s, (t) => t.includes('filter "bulk-04242": 1 shown'), "one match");
    expect(rowOf(text, "bulk-04242")).toMatch(/^> ● healthy\s+bulk-04242\s+\S+ ago\s+message 4242/);
    keys(s, "q");
    expect(await waitForScreen(s, (t) => t.includes("monitor exited with"), "the exit")).toContain("monitor exited with 0");
  }, 240_000);
});
