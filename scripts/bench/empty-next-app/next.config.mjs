// A minimal Next.js app for scripts/bench/ingest.ts; it builds with the repository's root node_modules.
/** @type {import('next').NextConfig} */
const nextConfig = {
  poweredByHeader: false,
  reactStrictMode: true,
};

export default nextConfig;
