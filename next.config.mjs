import fs from "node:fs";
import path from "node:path";
import createNextIntlPlugin from "next-intl/plugin";

// Turbopack compiles only files under its root. When node_modules is a link to another checkout (a git worktree
// sharing one install), the root must cover both; in a plain clone this is the project folder itself.
const projectDir = process.cwd();
const modulesDir = fs.realpathSync(path.join(projectDir, "node_modules"));
const buildRoot = modulesDir.startsWith(projectDir + path.sep) ? projectDir : commonAncestor(projectDir, modulesDir);

function commonAncestor(a, b) {
  const pa = a.split(path.sep);
  const pb = b.split(path.sep);
  let i = 0;
  while (i < pa.length && i < pb.length && pa[i] === pb[i]) i++;
  return pa.slice(0, i).join(path.sep) || path.sep;
}

/** @type {import('next').NextConfig} */
const nextConfig = {
  // Native and driver modules are loaded by Node at run time, not bundled.
  serverExternalPackages: ["better-sqlite3", "@prisma/adapter-better-sqlite3", "pg", "@prisma/adapter-pg", "rate-limiter-flexible"],
  poweredByHeader: false,
  // The build type-checks the app only; `npm run typecheck` checks everything, tests and scripts included.
  typescript: { tsconfigPath: "tsconfig.next.json" },
  reactStrictMode: true,
  turbopack: { root: buildRoot },
  outputFileTracingRoot: buildRoot,
  // next dev would otherwise write an AGENTS.md into the project.
  agentRules: false,
};

const withNextIntl = createNextIntlPlugin("./i18n/request.ts");

export default withNextIntl(nextConfig);
