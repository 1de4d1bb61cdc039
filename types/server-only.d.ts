// Next.js resolves "server-only" to its own copy at build time; this tells TypeScript the import exists.
declare module "server-only";
