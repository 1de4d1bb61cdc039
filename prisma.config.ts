import { defineConfig } from "prisma/config";

// The CLI is used only for `prisma generate` (see package.json); migrations are applied by lib/db/migrate.ts.
export default defineConfig({ schema: "prisma/sqlite/schema.prisma" });
