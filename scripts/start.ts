// npm start — the production server: builds on first use, then runs the web server (API and dashboard on one
// port) and the monitor worker side by side; if either stops, both stop. Honours PORT, HOST, DATABASE_URL and
// the rest of the configuration (see README). `laneswap server` runs the same (scripts/cli/run-server.ts).
import { configOrExit } from "./cli-context";
import { runServer } from "./cli/run-server";

await runServer(configOrExit());
