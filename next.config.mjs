/** @type {import('next').NextConfig} */
const nextConfig = {
  // Native and driver modules are loaded by Node at run time, not bundled.
  serverExternalPackages: ["better-sqlite3", "@prisma/adapter-better-sqlite3", "pg", "@prisma/adapter-pg", "rate-limiter-flexible"],
  poweredByHeader: false,
  reactStrictMode: true,
};

export default nextConfig;
