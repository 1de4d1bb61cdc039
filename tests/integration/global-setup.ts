import { execFileSync } from "node:child_process";
import fs from "node:fs";

// The integration tests run the production server, built once per run (`next build`), the way users run it.
// LANESWAP_TEST_SKIP_BUILD=1 reuses an existing build while iterating on tests.
export default function setup() {
  execFileSync("npm", ["run", "build:client"], { stdio: "inherit" }); // dist/: the client library (laneswap, laneswap/sqlite)
  if (process.env.LANESWAP_TEST_SKIP_BUILD === "1" && fs.existsSync(".next/BUILD_ID")) return;
  execFileSync("npx", ["next", "build"], { stdio: "inherit", env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1" } });
}
