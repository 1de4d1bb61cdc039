import fs from "node:fs";
import path from "node:path";
import ts from "typescript";
import { describe, expect, expectTypeOf, it } from "vitest";
import type { ServiceStatus, ServiceList } from "../../lib/client/index.js";
import type { ServiceView } from "../../lib/services/service-view";
import type { ListServicesResult } from "../../lib/services/list-services";

// lib/client runs in any Node program: nothing it imports, directly or through lib/core and lib/notify, may be
// Next.js, React, Prisma or a database driver, nor the server-side folders that use them. (The built dist/ is
// checked the same way in tests/integration/client-package.test.ts.)

const root = path.resolve(import.meta.dirname, "../..");
const FORBIDDEN_PACKAGES = /^(next|react|react-dom|@prisma\/|prisma$|better-sqlite3|pg$|@prisma|server-only|nodemailer)/;
const FORBIDDEN_FOLDERS = ["lib/db", "lib/services", "lib/monitor", "lib/api", "lib/auth", "lib/embedded", "app", "components"];

/** Every module reachable from a file through static and dynamic imports with literal specifiers. */
function importGraph(entry: string): { files: Set<string>; packages: Map<string, string> } {
  const files = new Set<string>();
  const packages = new Map<string, string>();
  const visit = (file: string) => {
    if (files.has(file)) return;
    files.add(file);
    const text = fs.readFileSync(file, "utf8");
    const specifiers = ts.preProcessFile(text, true, true).importedFiles.map((f) => f.fileName);
    for (const spec of specifiers) {
      if (!spec.startsWith(".")) {
        packages.set(spec, path.relative(root, file));
        continue;
      }
      const base = path.resolve(path.dirname(file), spec).replace(/\.js$/, "");
      const target = [`${base}.ts`, `${base}.tsx`, path.join(base, "index.ts")].find((f) => fs.existsSync(f));
      if (!target) throw new Error(`${path.relative(root, file)}: cannot resolve ${spec}`);
      visit(target);
    }
  };
  visit(entry);
  return { files, packages };
}

describe("lib/client's imports", () => {
  const { files, packages } = importGraph(path.join(root, "lib/client/index.ts"));
  const relative = [...files].map((f) => path.relative(root, f));

  it("reach only lib/client, lib/core and lib/notify", () => {
    expect(relative.length).toBeGreaterThan(10);
    for (const file of relative) {
      expect(FORBIDDEN_FOLDERS.some((folder) => file.startsWith(folder + "/")), file).toBe(false);
      expect(file).toMatch(/^lib\/(client|core|notify)\//);
    }
  });

  it("use no Next.js, React, Prisma or database package", () => {
    for (const [pkg, from] of packages) {
      expect(FORBIDDEN_PACKAGES.test(pkg), `${pkg} imported by ${from}`).toBe(false);
    }
    expect([...packages.keys()].filter((p) => !p.startsWith("node:")).sort()).toEqual(["zod"]);
  });

  it("never name server-side modules, even in comments or strings", () => {
    for (const file of relative.filter((f) => f.startsWith("lib/client/"))) {
      const text = fs.readFileSync(path.join(root, file), "utf8");
      expect(text, file).not.toMatch(/@prisma|from ["']next|lib\/db\/|\.\.\/db\//);
    }
  });

  it("the sqlite subpath's public module keeps Prisma behind a computed import", () => {
    const { files: sqliteFiles, packages: sqlitePackages } = importGraph(path.join(root, "lib/embedded/sqlite.ts"));
    const reached = [...sqliteFiles].map((f) => path.relative(root, f));
    expect(reached.filter((f) => !/^lib\/(client|core|notify)\//.test(f))).toEqual(["lib/embedded/sqlite.ts"]);
    for (const pkg of sqlitePackages.keys()) expect(FORBIDDEN_PACKAGES.test(pkg), pkg).toBe(false);
  });
});

describe("the client's types match the server's answers", () => {
  it("ServiceView is a ServiceStatus, the list result a ServiceList", () => {
    expectTypeOf<ServiceView>().toMatchTypeOf<ServiceStatus>();
    expectTypeOf<ListServicesResult>().toMatchTypeOf<ServiceList>();
  });
});
