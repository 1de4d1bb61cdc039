import { defineConfig } from "@playwright/test";

// End-to-end tests of the dashboard in real Chromium against the production server (tests/e2e/global-setup.ts
// builds it, starts it on a fresh SQLite database with a monitor worker, and tears both down).

export const ADMIN_STATE = "test-results/.auth/admin.json";

export default defineConfig({
  testDir: "tests/e2e",
  globalSetup: "./tests/e2e/global-setup.ts",
  // One server, one database, one first-run setup: the files run in order, one at a time.
  workers: 1,
  fullyParallel: false,
  timeout: 60_000,
  expect: { timeout: 10_000 },
  reporter: process.env.CI ? "list" : [["list"]],
  use: {
    baseURL: process.env.LANESWAP_E2E_URL,
    locale: "en-US",
    trace: "retain-on-failure",
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
      args: [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        "--disable-quic",
      ],
    },
  },
  projects: [
    { name: "setup", testMatch: /first-run\.setup\.ts/ },
    { name: "dashboard", testMatch: /\.spec\.ts/, dependencies: ["setup"], use: { storageState: ADMIN_STATE } },
  ],
});
