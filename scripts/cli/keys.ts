import type { Command } from "commander";
import { createKeySchema, type ApiScope } from "../../lib/core/schemas";
import { cliOf, localConfig, type Cli } from "./context";
import { CliError, describeIssues, UsageError } from "./errors";
import { renderTable } from "./format";

// laneswap keys create | list | revoke — API keys over the REST API with an admin key, or with --local straight in
// the database of this machine (for the first key, or when the admin key is lost).

type CreatedKey = { id: string; name: string; key: string; prefix?: string; scopes: ApiScope[]; created_at: string };
type KeyInfo = { id: string; name: string; prefix?: string; scopes: ApiScope[]; created_at: string; last_used_at: string | null };

type KeyStore = {
  create(input: { name: string; scopes: ApiScope[] }): Promise<CreatedKey>;
  list(): Promise<KeyInfo[]>;
  revoke(id: string): Promise<void>;
  close(): Promise<void>;
};

function restStore(cli: Cli): KeyStore {
  return {
    create: (input) => cli.api.post<CreatedKey>("/api/keys", input),
    list: async () => (await cli.api.get<{ keys: KeyInfo[] }>("/api/keys")).keys,
    revoke: async (id) => void (await cli.api.delete(`/api/keys/${encodeURIComponent(id)}`)),
    close: async () => {},
  };
}

async function localStore(): Promise<KeyStore> {
  const config = localConfig();
  const [{ applyMigrations }, { createDb }, { createApiKey }, { listApiKeys }, { revokeApiKey }, { AppError }] = await Promise.all([
    import("../../lib/db/migrate"),
    import("../../lib/db/client"),
    import("../../lib/services/create-api-key"),
    import("../../lib/services/list-api-keys"),
    import("../../lib/services/revoke-api-key"),
    import("../../lib/core/errors"),
  ]);
  await applyMigrations(config);
  const ctx = { config, db: await createDb(config) };
  return {
    create: (input) => createApiKey(ctx, input),
    list: async () => (await listApiKeys(ctx)).keys,
    revoke: async (id) => {
      try {
        await revokeApiKey(ctx, { id });
      } catch (error) {
        if (error instanceof AppError) throw new CliError(error.message, "`laneswap keys list --local` shows the ids");
        throw error;
      }
    },
    close: () => ctx.db.$disconnect(),
  };
}

async function withStore<T>(command: Command, local: boolean, fn: (store: KeyStore, cli: Cli) => Promise<T>): Promise<T> {
  const cli = cliOf(command);
  const store = local ? await localStore() : restStore(cli);
  try {
    return await fn(store, cli);
  } finally {
    await store.close();
  }
}

const LOCAL_HELP = "manage the keys straight in this machine's database (DATABASE_URL) instead of over the API";

export function registerKeyCommands(program: Command): void {
  const keys = program.command("keys").description("API keys: create, list, revoke (admin)");

  keys
    .command("create")
    .description("create a key; it is shown only once")
    .requiredOption("--name <name>", "what the key is for, e.g. cron-host-1")
    .option("--scopes <scopes>", "comma-separated: read, write, admin", "read,write")
    .option("--local", LOCAL_HELP)
    .action(async (opts, command: Command) => {
      const parsed = createKeySchema.safeParse({ name: opts.name, scopes: String(opts.scopes).split(",").map((s) => s.trim()).filter(Boolean) });
      if (!parsed.success) throw new UsageError(describeIssues(parsed.error.issues, { name: "--name", scopes: "--scopes" }));
      await withStore(command, Boolean(opts.local), async (store, cli) => {
        const key = await store.create(parsed.data);
        if (cli.json) return cli.printJson(key);
        cli.print(`created key ${key.id} (${key.name}, scopes: ${key.scopes.join(",")}). It is shown only once:\n\n  ${cli.colors.bold(key.key)}\n`);
        cli.note(cli.colors.dim("use it with: export LANESWAP_API_KEY=<the key>   (or --api-key)"));
      });
    });

  keys
    .command("list")
    .description("list the keys (never the secrets)")
    .option("--local", LOCAL_HELP)
    .action(async (opts, command: Command) => {
      await withStore(command, Boolean(opts.local), async (store, cli) => {
        const list = await store.list();
        if (cli.json) return cli.printJson({ keys: list });
        if (!list.length) return cli.print("no keys");
        const rows = list.map((k) => [k.id, k.name, k.prefix ? `${k.prefix}…` : "", k.scopes.join(","), k.created_at, k.last_used_at ?? "never"]);
        const columns = ["ID", "NAME", "PREFIX", "SCOPES", "CREATED", "LAST USED"].map((header) => ({ header, flexible: header === "NAME" }));
        for (const line of renderTable(columns, rows, { maxWidth: cli.columns, colors: cli.colors })) cli.print(line);
      });
    });

  keys
    .command("revoke")
    .description("revoke a key; it stops working at once")
    .argument("<id>", "the key's id (from keys list)")
    .option("--local", LOCAL_HELP)
    .action(async (id: string, opts, command: Command) => {
      await withStore(command, Boolean(opts.local), async (store, cli) => {
        await store.revoke(id);
        if (cli.json) return cli.printJson({ revoked: id });
        cli.print(`revoked ${id}`);
      });
    });
}
