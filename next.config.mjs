/** @type {import('next').NextConfig} */
const nextConfig = {
  // Native and driver modules are loaded by Node at run time, not bundled.
  serverExternalPackages: ["better-sqlite3", "@prisma/adapter-better-sqlite3", "pg", "@prisma/adapter-pg", "rate-limiter-flexible"],
  poweredByHeader: false,
  // The build type-checks the app only; `npm run typecheck` checks everything, tests and scripts included.
  typescript: { tsconfigPath: "tsconfig.next.json" },
  reactStrictMode: true,
};

export default nextConfig;
