// npm run keys -- create --name <name> --scopes read,write | list | revoke <id>
// Manages API keys straight in the database, for the operator of the machine (e.g. when the first key is lost).
import { parseArgs } from "node:util";
import { createKeySchema } from "../lib/core/schemas";
import { createApiKey } from "../lib/services/create-api-key";
import { listApiKeys } from "../lib/services/list-api-keys";
import { revokeApiKey } from "../lib/services/revoke-api-key";
import { AppError } from "../lib/core/errors";
import { scriptCtx } from "./cli-context";

const USAGE = `usage:
  npm run keys -- create --name <name> [--scopes read,write,admin]   (default scopes: read,write)
  npm run keys -- list
  npm run keys -- revoke <id>`;

const { positionals, values } = parseArgs({
  allowPositionals: true,
  options: { name: { type: "string" }, scopes: { type: "string", default: "read,write" }, json: { type: "boolean" } },
});
const [command, arg] = positionals;

async function main(): Promise<number> {
  if (!command || !["create", "list", "revoke"].includes(command)) {
    console.error(USAGE);
    return 2;
  }
  const parsed = command === "create" ? createKeySchema.safeParse({ name: values.name, scopes: values.scopes!.split(",").map((s) => s.trim()) }) : null;
  if (parsed && !parsed.success) {
    console.error(`invalid key: ${parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}\n${USAGE}`);
    return 2;
  }
  if (command === "revoke" && !arg) {
    console.error(USAGE);
    return 2;
  }
  const ctx = await scriptCtx();
  try {
    if (parsed?.success) {
      const key = await createApiKey(ctx, parsed.data);
      if (values.json) console.log(JSON.stringify(key));
      else console.log(`created key ${key.id} (${key.name}, scopes: ${key.scopes.join(",")}). It is shown only once:\n\n  ${key.key}\n`);
    } else if (command === "list") {
      const { keys } = await listApiKeys(ctx);
      if (values.json) console.log(JSON.stringify(keys));
      else if (keys.length === 0) console.log("no keys");
      else for (const k of keys) console.log(`${k.id}  ${k.prefix}…  ${k.scopes.join(",").padEnd(16)} ${k.name}  last used: ${k.last_used_at ?? "never"}`);
    } else {
      await revokeApiKey(ctx, { id: arg });
      console.log(`revoked ${arg}`);
    }
    return 0;
  } catch (error) {
    if (error instanceof AppError) {
      console.error(error.message);
      return 1;
    }
    throw error;
  } finally {
    await ctx.db.$disconnect();
  }
}

process.exit(await main());
