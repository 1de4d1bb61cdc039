import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { describe, expect, it } from "vitest";
import { LaneSwapError, type HeartbeatOptions, type HeartbeatTarget } from "../../lib/client/index.js";
import { heartbeatDecorator, wrapWithHeartbeat } from "../../lib/client/with-heartbeat.js";

/** Records heartbeats; `fail` makes sending reject (or throw at once) the way a down server would. */
function recorder(fail: "no" | "reject" | "throw" = "no") {
  const sent: HeartbeatOptions[] = [];
  const errors: unknown[] = [];
  const pending: Promise<unknown>[] = [];
  const target: HeartbeatTarget = {
    sendHeartbeat(options) {
      if (fail === "throw") throw new Error("sync failure");
      sent.push(options);
      return fail === "reject"
        ? Promise.reject(new LaneSwapError({ status: null, code: "network_error", detail: "down", retryable: true }))
        : new Promise((r) => setTimeout(r, 5));
    },
    reportError: (error) => errors.push(error),
    track: (work) => void pending.push(work),
  };
  return { target, sent, errors, settle: () => Promise.all(pending) };
}

const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("withHeartbeat", () => {
  it("async success: busy first, then healthy with the execution time, and the value", async () => {
    const { target, sent } = recorder();
    const fetchData = wrapWithHeartbeat(async function fetchData(n: number) {
      await wait(60);
      return n * 2;
    }, { serviceId: "svc" }, () => target);
    await expect(fetchData(21)).resolves.toBe(42);
    expect(sent.map((s) => [s.serviceId, s.status, s.message])).toEqual([
      ["svc", "busy", "Starting operation: fetchData"],
      ["svc", "healthy", "Operation completed: fetchData"],
    ]);
    const time = sent[1].metadata!.execution_time as number;
    expect(time).toBeGreaterThanOrEqual(0.05);
    expect(time).toBeLessThan(5);
  });

  it("async failure: the error status with the message, then the same error object", async () => {
    const { target, sent } = recorder();
    const boom = new TypeError("boom");
    const job = wrapWithHeartbeat(async function job() {
      await wait(5);
      throw boom;
    }, { serviceId: "svc" }, () => target);
    const caught = await job().catch((e: unknown) => e);
    expect(caught).toBe(boom);
    expect(sent.map((s) => [s.status, s.message])).toEqual([
      ["busy", "Starting operation: job"],
      ["error", "Operation failed: job - boom"],
    ]);
    expect(typeof sent[1].metadata!.execution_time).toBe("number");
  });

  it("sync success returns synchronously; its heartbeats follow in order", async () => {
    const { target, sent, settle } = recorder();
    const add = wrapWithHeartbeat(function add(a: number, b: number) {
      return a + b;
    }, { serviceId: "svc", successStatus: "degraded" }, () => target);
    const result = add(2, 3);
    expect(result).toBe(5);
    await settle();
    expect(sent.map((s) => [s.status, s.message])).toEqual([
      ["busy", "Starting operation: add"],
      ["degraded", "Operation completed: add"],
    ]);
  });

  it("sync throw rethrows the same object synchronously, with the error status after busy", async () => {
    const { target, sent, settle } = recorder();
    const original = new RangeError("out of range");
    const check = wrapWithHeartbeat(function check(): number {
      throw original;
    }, { serviceId: "svc", errorStatus: "warning" }, () => target);
    let caught: unknown;
    try {
      check();
    } catch (e) {
      caught = e;
    }
    expect(caught).toBe(original);
    await settle();
    expect(sent.map((s) => [s.status, s.message])).toEqual([
      ["busy", "Starting operation: check"],
      ["warning", "Operation failed: check - out of range"],
    ]);
  });

  it("non-Error throws are rethrown as they are and described", async () => {
    const { target, sent } = recorder();
    const job = wrapWithHeartbeat(async () => {
      throw "plain string";
    }, { serviceId: "s", name: "job" }, () => target);
    await expect(job()).rejects.toBe("plain string");
    expect(sent[1].message).toBe("Operation failed: job - plain string");
  });

  it("keeps `this` and the arguments, and names anonymous functions", async () => {
    const { target, sent } = recorder();
    const obj = {
      factor: 3,
      run: wrapWithHeartbeat(function (this: { factor: number }, x: number) {
        return this.factor * x;
      }, { serviceId: "s" }, () => target),
    };
    expect(obj.run(4)).toBe(12);
    const anon = wrapWithHeartbeat((() => 1) as () => number, { serviceId: "s" }, () => target);
    expect(anon()).toBe(1);
    const named = wrapWithHeartbeat(() => 2, { serviceId: "s", name: "nightly" }, () => target);
    expect(named.name).toBe("nightly");
    named();
    await wait(30);
    expect(sent.map((s) => s.message)).toEqual(expect.arrayContaining(["Starting operation: anonymous", "Starting operation: nightly"]));
  });

  it("clips an enormous error message to what the server accepts", async () => {
    const { target, sent } = recorder();
    const job = wrapWithHeartbeat(async function big() {
      throw new Error("x".repeat(5000));
    }, { serviceId: "s" }, () => target);
    await expect(job()).rejects.toThrow();
    expect(sent[1].message!.length).toBe(2000);
  });

  for (const fail of ["reject", "throw"] as const) {
    it(`heartbeats that ${fail} never break the wrapped function (reported instead)`, async () => {
      const { target, errors, settle } = recorder(fail);
      const asyncJob = wrapWithHeartbeat(async function asyncJob() {
        return "done";
      }, { serviceId: "s" }, () => target);
      await expect(asyncJob()).resolves.toBe("done");
      const original = new Error("own failure");
      const failing = wrapWithHeartbeat(async function failing() {
        throw original;
      }, { serviceId: "s" }, () => target);
      await expect(failing()).rejects.toBe(original);
      const syncJob = wrapWithHeartbeat(function syncJob() {
        return 7;
      }, { serviceId: "s" }, () => target);
      expect(syncJob()).toBe(7);
      await settle();
      expect(errors.length).toBe(6);
    });
  }

  it("an onError hook that throws does not break the function either", async () => {
    const target: HeartbeatTarget = {
      sendHeartbeat: () => Promise.reject(new Error("down")),
      reportError: () => {
        throw new Error("bad hook");
      },
    };
    const job = wrapWithHeartbeat(async function job() {
      return 1;
    }, { serviceId: "s" }, () => target);
    await expect(job()).resolves.toBe(1);
  });

  it("asks for the target on each call", async () => {
    const first = recorder();
    const second = recorder();
    let current = first.target;
    const job = wrapWithHeartbeat(async function job() {}, { serviceId: "s" }, () => current);
    await job();
    current = second.target;
    await job();
    expect(first.sent).toHaveLength(2);
    expect(second.sent).toHaveLength(2);
  });
});

describe("@heartbeat decorator", () => {
  // Vite 8's transformer (oxc) cannot lower standard decorators yet, so the class that uses them is compiled with
  // esbuild (as tsx, tsc or any bundler would compile it in a user's project) and then run here.
  it("wraps sync and async methods, named after the method, keeping `this`", async () => {
    const { build } = await import("esbuild");
    const outfile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "laneswap-decorator-")), "fixture.mjs");
    await build({
      entryPoints: [fileURLToPath(new URL("./client-decorator-fixture.ts", import.meta.url))],
      outfile,
      bundle: true,
      format: "esm",
      platform: "node",
      target: "node20",
      logLevel: "error",
    });
    const fixture = (await import(/* @vite-ignore */ pathToFileURL(outfile).href)) as typeof import("./client-decorator-fixture.js");
    const { target, sent, settle } = recorder();
    const { Importer, failure } = fixture.defineImporter(target);
    const importer = new Importer();
    await expect(importer.importAll()).resolves.toBe(10);
    expect(importer.count()).toBe(11);
    await settle();
    await expect(importer.broken()).rejects.toBe(failure);
    expect(sent.map((s) => [s.serviceId, s.status, s.message])).toEqual([
      ["importer", "busy", "Starting operation: importAll"],
      ["importer", "healthy", "Operation completed: importAll"],
      ["importer", "busy", "Starting operation: count"],
      ["importer", "warning", "Operation completed: count"],
      ["importer", "busy", "Starting operation: broken"],
      ["importer", "error", "Operation failed: broken - import failed"],
    ]);
    expect(typeof sent[1].metadata?.execution_time).toBe("number");
    fs.rmSync(path.dirname(outfile), { recursive: true, force: true });
  });

  it("refuses to decorate anything but a method", () => {
    const decorate = heartbeatDecorator({}, () => recorder().target);
    expect(() => decorate((() => 1) as never, { kind: "getter", name: "x" } as never)).toThrow(/methods only/);
  });
});
