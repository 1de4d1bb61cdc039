import { execFileSync } from "node:child_process";
import fs from "node:fs";
import { ADMIN_KEY, createDatabase, startServer } from "../integration/harness";
import { startWorker } from "../integration/worker-process";

// Builds the app (unless LANESWAP_TEST_SKIP_BUILD=1 and a build exists), then runs the production server and a
// monitor worker on a fresh SQLite database, the way `npm start` does. Tests reach them through the environment.
export default async function globalSetup() {
  if (!(process.env.LANESWAP_TEST_SKIP_BUILD === "1" && fs.existsSync(".next/BUILD_ID"))) {
    execFileSync("npx", ["next", "build"], { stdio: "inherit", env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1" } });
  }
  const db = await createDatabase("sqlite");
  const server = await startServer(db, { HEARTBEAT_CHECK_INTERVAL: "1" });
  const worker = startWorker(db, { HEARTBEAT_CHECK_INTERVAL: "1" });
  await worker.waitForOutput(/./, 30_000).catch(() => undefined);
  process.env.LANESWAP_E2E_URL = server.url;
  process.env.LANESWAP_E2E_KEY = ADMIN_KEY;
  process.env.LANESWAP_E2E_DATA_DIR = db.dataDir;
  return async () => {
    await worker.stop();
    await server.stop();
    await db.drop();
  };
}
