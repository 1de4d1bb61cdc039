import { execFile } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import ts from "typescript";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ADMIN_KEY, createDatabase, startServer, uniqueId, type TestDatabase, type TestServer } from "./harness";

// The built package (`npm run build:client`, run by the global setup) used the way another Node project uses it:
// a folder outside this repository whose node_modules/laneswap points here, plain .mjs run by node, and a
// TypeScript consumer type-checked with Node's own module resolution.

const root = path.resolve(import.meta.dirname, "../..");
const run = promisify(execFile);
let db: TestDatabase;
let server: TestServer;
let outside: string;

beforeAll(async () => {
  db = await createDatabase("sqlite");
  server = await startServer(db);
  outside = fs.mkdtempSync(path.join(os.tmpdir(), "laneswap-consumer-"));
  fs.writeFileSync(path.join(outside, "package.json"), JSON.stringify({ name: "consumer", private: true, type: "module", dependencies: { laneswap: `file:${root}` } }));
  fs.mkdirSync(path.join(outside, "node_modules"));
  // What `npm install file:…` makes: a link to the package folder.
  fs.symlinkSync(root, path.join(outside, "node_modules", "laneswap"), "dir");
});

afterAll(async () => {
  await server?.stop();
  await db?.drop();
  if (outside) fs.rmSync(outside, { recursive: true, force: true });
});

async function node(script: string, source: string, env: Record<string, string> = {}, timeout = 60_000) {
  fs.writeFileSync(path.join(outside, script), source);
  const started = Date.now();
  const { stdout, stderr } = await run(process.execPath, [script], {
    cwd: outside,
    env: { PATH: process.env.PATH!, HOME: process.env.HOME ?? os.tmpdir(), API_URL: server.url, LANESWAP_API_KEY: ADMIN_KEY, ...env } as Record<string, string> as unknown as NodeJS.ProcessEnv,
    timeout,
  });
  return { out: JSON.parse(stdout.trim().split("\n").at(-1)!) as Record<string, unknown>, stderr, ms: Date.now() - started };
}

/** Relative imports from a built file, recursively, and the packages they name. */
function builtGraph(entry: string) {
  const files = new Set<string>();
  const packages = new Set<string>();
  const visit = (file: string) => {
    if (files.has(file)) return;
    files.add(file);
    for (const { fileName } of ts.preProcessFile(fs.readFileSync(file, "utf8"), true, true).importedFiles) {
      if (!fileName.startsWith(".")) packages.add(fileName);
      else {
        const target = path.resolve(path.dirname(file), fileName);
        expect(fs.existsSync(target), `${path.relative(root, file)} imports ${fileName}, which is not in the build`).toBe(true);
        visit(target);
      }
    }
  };
  visit(entry);
  return { files: [...files].map((f) => path.relative(root, f)), packages: [...packages] };
}

describe("the built package", () => {
  it("has JavaScript and declarations for both entry points, as package.json exports them", () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(root, "package.json"), "utf8")) as { exports: Record<string, { types: string; import: string }> };
    for (const entry of [".", "./sqlite"]) {
      expect(fs.existsSync(path.join(root, pkg.exports[entry].import)), entry).toBe(true);
      expect(fs.existsSync(path.join(root, pkg.exports[entry].types)), entry).toBe(true);
    }
    expect(fs.existsSync(path.join(root, "dist/embedded/sqlite-engine.js"))).toBe(true);
  });

  it("dist/client imports no Next.js, React, Prisma or database driver, and no server-side module", () => {
    const { files, packages } = builtGraph(path.join(root, "dist/client/index.js"));
    for (const file of files) expect(file).toMatch(/^dist\/(client|core|notify)\/[\w-]+\.js$/);
    expect(packages.filter((p) => !p.startsWith("node:"))).toEqual(["zod"]);
    for (const file of files) expect(fs.readFileSync(path.join(root, file), "utf8"), file).not.toMatch(/@prisma|better-sqlite3|from "next/);
    // laneswap/sqlite's own module is light too: Prisma is only in the engine it loads when a storage opens.
    const sqlite = builtGraph(path.join(root, "dist/embedded/sqlite.js"));
    expect(sqlite.files).toEqual(["dist/embedded/sqlite.js"]);
  });

  it('`import { LaneSwapClient } from "laneswap"` in a plain .mjs outside the repository talks to a real server', async () => {
    const serviceId = uniqueId("outside");
    const { out } = await node(
      "consumer.mjs",
      `import { LaneSwapClient, LaneSwapError, configure, generateMonitorUrl, withHeartbeat } from "laneswap";
      const client = new LaneSwapClient({ serviceName: "Outside", serviceId: ${JSON.stringify(serviceId)}, heartbeatInterval: 0.2 });
      const id = await client.connect();
      let auto = 0;
      for (const until = Date.now() + 15000; auto < 2 && Date.now() < until; await new Promise((r) => setTimeout(r, 100))) {
        auto = (await client.listEvents(id, { limit: 100 })).events.filter((e) => e.type === "heartbeat").length;
      }
      const beat = await client.sendHeartbeat({ status: "warning", message: "from outside", metadata: { where: "outside" } });
      let error;
      try { await client.getService("missing-" + id); } catch (e) { error = { lse: e instanceof LaneSwapError, status: e.status, code: e.code, detail: e.detail }; }
      await client[Symbol.asyncDispose]();
      // The top-level functions use the default client, configured from API_URL and LANESWAP_API_KEY.
      configure({});
      const job = withHeartbeat(async function outsideJob() { return 5; }, { serviceId: id });
      const result = await job();
      const after = await client.getService();
      console.log(JSON.stringify({ id, auto, status: beat.status, metadata: beat.metadata, error, result, message: after.message,
        url: generateMonitorUrl({ serviceId: id, apiUrl: process.env.API_URL }) }));`,
    );
    expect(out).toEqual({
      id: serviceId,
      auto: expect.any(Number),
      status: "warning",
      metadata: { where: "outside" },
      error: { lse: true, status: 404, code: "not_found", detail: `Service not found: missing-${serviceId}` },
      result: 5,
      message: "Operation completed: outsideJob",
      url: `${server.url}/?service=${serviceId}`,
    });
    expect(out.auto as number).toBeGreaterThanOrEqual(2);
  });

  it("automatic heartbeats never keep the host process alive", async () => {
    const { out, ms } = await node(
      "forgets-close.mjs",
      `import { LaneSwapClient } from "laneswap";
      const client = new LaneSwapClient({ serviceName: "Forgetful", heartbeatInterval: 30 });
      await client.connect();
      console.log(JSON.stringify({ connected: client.connected }));`,
    );
    expect(out).toEqual({ connected: true });
    expect(ms).toBeLessThan(10_000);
  });

  it("a client whose LaneSwap is down does not crash or hang its host", async () => {
    const { out, ms } = await node(
      "down.mjs",
      `import { LaneSwapClient } from "laneswap";
      let unhandled = 0;
      process.on("unhandledRejection", () => unhandled++);
      const errors = [];
      const client = new LaneSwapClient({ apiUrl: "http://127.0.0.1:9", serviceId: "x", heartbeatInterval: 0.05, retry: { retries: 1, minDelay: 0.01 },
        onError: (e) => errors.push(e.code) });
      const job = client.withHeartbeat(async function work() { return "done"; });
      const result = await job();
      const failed = await client.sendHeartbeat().then(() => null, (e) => e.code);
      await new Promise((r) => setTimeout(r, 200));
      console.log(JSON.stringify({ result, failed, errors: [...new Set(errors)], unhandled }));`,
    );
    expect(out).toEqual({ result: "done", failed: "network_error", errors: ["network_error"], unhandled: 0 });
    expect(ms).toBeLessThan(10_000);
  });

  it('"laneswap/sqlite" runs the in-process monitor on LaneSwap\'s own database, from outside', async () => {
    const { out } = await node(
      "in-process.mjs",
      `import { heartbeatSystem, registerService, sendHeartbeat, LaneSwapError } from "laneswap";
      import { sqliteStorage } from "laneswap/sqlite";
      const told = [];
      let now = new Date("2030-01-01T00:00:00Z");
      const system = await heartbeatSystem({
        notifiers: [{ send: async (n) => { told.push([n.title, n.message, n.level]); return { ok: true }; } }],
        storage: sqliteStorage({ path: "data/in-process.db" }), staleThreshold: 30, now: () => now });
      const id = await registerService({ serviceName: "worker", metadata: { v: 1 } });
      await sendHeartbeat({ serviceId: id, status: "degraded", message: "slow" });
      now = new Date(now.getTime() + 31_000);
      const marked = await system.check();
      const missing = await sendHeartbeat({ serviceId: "nope" }).catch((e) => e instanceof LaneSwapError && e.code);
      await system.stop();
      console.log(JSON.stringify({ marked, told, missing }));`,
    );
    expect(out).toEqual({
      marked: 1,
      told: [
        ["Service Status Change: worker", "Status changed from unknown to degraded: slow", "warning"],
        ["Service Stale: worker", "No heartbeat received in 30 seconds", "warning"],
      ],
      missing: "not_found",
    });
    expect(fs.existsSync(path.join(outside, "data/in-process.db"))).toBe(true);
  });

  it("its declarations type-check in a TypeScript project using Node's module resolution (nodenext)", async () => {
    fs.writeFileSync(
      path.join(outside, "consumer.mts"),
      `import { LaneSwapClient, heartbeatSystem, withHeartbeat, type Notifier, type ServiceStatus, type Storage } from "laneswap";
      import { sqliteStorage } from "laneswap/sqlite";
      const client = new LaneSwapClient({ apiUrl: "http://localhost:8000", serviceName: "typed", heartbeatInterval: 10 });
      const service: ServiceStatus = await client.getService();
      const status: "healthy" | "warning" | "degraded" | "error" | "busy" | "stale" | "unknown" = service.status;
      // @ts-expect-error stale is set by LaneSwap, not sent by clients
      await client.sendHeartbeat({ status: "stale" });
      const notifier: Notifier = { send: async (n) => (n.level === "warning" ? { ok: true } : { ok: false, retryable: false, gone: false, error: n.title }) };
      const storage: Storage = sqliteStorage({ path: "x.db" });
      await using system = await heartbeatSystem({ notifiers: [notifier], storage });
      const job = withHeartbeat(async (n: number) => n * 2, { serviceId: "x" });
      const doubled: Promise<number> = job(2);
      // @ts-expect-error the wrapper keeps the parameter types
      job("two");
      export { status, doubled, system };
      `,
    );
    fs.writeFileSync(
      path.join(outside, "tsconfig.json"),
      JSON.stringify({
        compilerOptions: {
          module: "nodenext",
          moduleResolution: "nodenext",
          target: "es2022",
          lib: ["es2023", "esnext.disposable"],
          strict: true,
          noEmit: true,
          skipLibCheck: false,
          types: ["node"],
          typeRoots: [path.join(root, "node_modules/@types")],
        },
        files: ["consumer.mts"],
      }),
    );
    const tsc = path.join(root, "node_modules/typescript/bin/tsc");
    const result = await run(process.execPath, [tsc, "-p", "tsconfig.json"], { cwd: outside, timeout: 120_000 }).catch((e: { stdout: string; code: number }) => e);
    expect((result as { stdout: string }).stdout).toBe("");
  }, 180_000);
});
