// npm run build:client: the client library and "laneswap/sqlite" as plain ES modules with type declarations.
//  1. tsc -p tsconfig.client.json: lib/client, the pure lib/core and lib/notify modules it uses, and
//     lib/embedded/sqlite.ts, to JavaScript and .d.ts.
//  2. Node's ES modules need file extensions; the lib/ sources import each other without them (Next.js and tsx do
//     not mind), so relative specifiers in the output get their ".js" ("/index.js" for a folder).
//  3. esbuild bundles the Prisma side of "laneswap/sqlite" (lib/embedded/sqlite-engine.ts with lib/db,
//     lib/services and lib/monitor) into one file; packages stay imports, and the client's own modules are
//     imported from the build rather than copied, so its LaneSwapError is the same class.
// The build goes to a temporary folder that then replaces dist/, so a reader never sees half a build.
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");
const require = createRequire(import.meta.url);
const dist = path.join(root, "dist");
const tmp = path.join(root, `.dist-${process.pid}`);

fs.rmSync(tmp, { recursive: true, force: true });
try {
  execFileSync(process.execPath, [require.resolve("typescript/bin/tsc"), "-p", "tsconfig.client.json", "--outDir", tmp], {
    cwd: root,
    stdio: "inherit",
  });
  let fixed = 0;
  for (const file of walk(tmp)) {
    if (!/\.(js|d\.ts)$/.test(file)) continue;
    const text = fs.readFileSync(file, "utf8");
    const next = addExtensions(text, path.dirname(file));
    if (next !== text) {
      fs.writeFileSync(file, next);
      fixed += 1;
    }
  }
  const { build } = await import("esbuild");
  const clientDir = path.join(root, "lib", "client") + path.sep;
  await build({
    entryPoints: [path.join(root, "lib", "embedded", "sqlite-engine.ts")],
    outfile: path.join(tmp, "embedded", "sqlite-engine.js"),
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    packages: "external",
    logLevel: "warning",
    plugins: [
      {
        name: "laneswap-client-external",
        setup(b) {
          b.onResolve({ filter: /^\.\.?\// }, (args) => {
            const target = path.resolve(args.resolveDir, args.path).replace(/\.(js|ts)$/, "");
            if (!(target + path.sep).startsWith(clientDir) && !target.startsWith(clientDir)) return undefined;
            return { path: `../client/${path.relative(clientDir, target).split(path.sep).join("/")}.js`, external: true };
          });
        },
      },
    ],
  });
  swapInto(tmp, dist);
  console.log(`laneswap client built to dist/ (${fixed} files given ESM extensions, SQLite engine bundled)`);
} catch (error) {
  fs.rmSync(tmp, { recursive: true, force: true });
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
}

/** Replaces `target` with `source`; another build finishing at the same moment (two test runs) is not an error. */
function swapInto(source, target) {
  const old = path.join(root, `.dist-old-${process.pid}`);
  for (let attempt = 0; ; attempt++) {
    try {
      fs.renameSync(target, old);
    } catch (error) {
      if (error.code !== "ENOENT") throw error;
    }
    try {
      fs.renameSync(source, target);
      break;
    } catch (error) {
      if (!["ENOTEMPTY", "EEXIST"].includes(error.code) || attempt >= 5) throw error;
      fs.rmSync(old, { recursive: true, force: true });
    }
  }
  fs.rmSync(old, { recursive: true, force: true });
}

function* walk(dir) {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) yield* walk(full);
    else yield full;
  }
}

/** `from "./x"` → `from "./x.js"` (or "./x/index.js"), in static imports, re-exports and import() types/calls. */
function addExtensions(text, dir) {
  return text.replace(/(\bfrom\s*|\bimport\s*\(\s*|\bimport\s+)(["'])(\.\.?\/[^"']*)\2/g, (match, lead, quote, spec) => {
    if (/\.(m|c)?js$|\.json$|\.node$/.test(spec)) return match;
    const base = path.resolve(dir, spec);
    const exists = (p) => fs.existsSync(`${p}.js`) || fs.existsSync(`${p}.d.ts`);
    if (exists(base)) return `${lead}${quote}${spec}.js${quote}`;
    if (exists(path.join(base, "index"))) return `${lead}${quote}${spec}/index.js${quote}`;
    return match;
  });
}
