import { Option, type Command } from "commander";
import { CHANNEL_TYPES, createChannelSchema } from "../../lib/core/channel-config";
import { cliOf, parseJsonOption } from "./context";
import { CliError, describeIssues, UsageError } from "./errors";
import { renderTable, sanitize } from "./format";

// laneswap channels add | list | test | remove — notification channels over the REST API (admin key).

export type ChannelInfo = {
  id: string;
  name: string;
  type: string;
  config: Record<string, unknown>;
  levels: string[];
  service_ids: string[] | null;
  enabled: boolean;
  managed: boolean;
  broken: { at: string; reason: string | null } | null;
  rate_limited_until: string | null;
};

const list = (value: string | undefined) => value?.split(",").map((s) => s.trim()).filter(Boolean);

/** "ok", "disabled", "broken: <why>" or "rate-limited until …" */
export function channelState(c: ChannelInfo): string {
  if (!c.enabled) return "disabled";
  if (c.broken) return `broken: ${sanitize(c.broken.reason) || "the endpoint refused"}`;
  if (c.rate_limited_until && new Date(c.rate_limited_until) > new Date()) return `rate-limited until ${c.rate_limited_until}`;
  return "ok";
}

export function registerChannelCommands(program: Command): void {
  const channels = program.command("channels").description("notification channels: add, list, test, remove (admin)");

  channels
    .command("add")
    .description("add a Discord, Slack, webhook or email channel")
    .requiredOption("--name <name>", "what to call it")
    .addOption(new Option("--type <type>", "the kind of channel").choices(CHANNEL_TYPES).makeOptionMandatory())
    .option("--url <url>", "the webhook URL (discord, slack, webhook)")
    .option("--secret <secret>", "webhook: the HMAC key receivers check (16+ characters)")
    .option("--config <json>", 'any other settings as JSON, e.g. email: \'{"host":"smtp.example.com","from":"a@example.com","to":["b@example.com"]}\'')
    .option("--levels <levels>", "only these levels, comma-separated: info, success, warning, error (default: all)")
    .option("--services <ids>", "only these services, comma-separated ids (default: all)")
    .action(async (opts, command: Command) => {
      const cli = cliOf(command);
      const extra = parseJsonOption(opts.config, "--config") ?? {};
      if (typeof extra !== "object" || Array.isArray(extra) || extra === null) throw new UsageError("--config: must be a JSON object");
      const config: Record<string, unknown> = { ...(extra as Record<string, unknown>) };
      if (opts.url !== undefined) config.url = opts.url;
      if (opts.secret !== undefined) config.secret = opts.secret;
      const parsed = createChannelSchema.safeParse({
        name: opts.name,
        type: opts.type,
        config,
        levels: list(opts.levels),
        service_ids: list(opts.services),
      });
      if (!parsed.success) {
        throw new UsageError(
          describeIssues(parsed.error.issues, { levels: "--levels", service_ids: "--services", name: "--name" }).replace(/\bconfig\.(url|secret)\b/g, "--$1"),
          "see `laneswap channels add --help` and docs/cli.md for each type's settings",
        );
      }
      const created = await cli.api.post<ChannelInfo>("/api/channels", parsed.data);
      if (cli.json) return cli.printJson(created);
      cli.print(`added channel ${cli.colors.bold(created.id)} (${created.name}, ${created.type})`);
      cli.note(cli.colors.dim(`send it a test notification with: laneswap channels test ${created.id}`));
    });

  channels
    .command("list")
    .description("list the channels (secrets masked), with broken ones and why")
    .action(async (_opts, command: Command) => {
      const cli = cliOf(command);
      const { channels: items } = await cli.api.get<{ channels: ChannelInfo[] }>("/api/channels");
      if (cli.json) return cli.printJson({ channels: items });
      if (!items.length) return cli.print("no channels: add one with `laneswap channels add --name ops --type discord --url <webhook>`");
      const rows = items.map((c) => {
        const state = channelState(c);
        const paint = state === "ok" ? cli.colors.green : state === "disabled" ? cli.colors.dim : cli.colors.red;
        return [c.id, sanitize(c.name) + (c.managed ? cli.colors.dim(" (env)") : ""), c.type, paint(state), c.levels.join(","), c.service_ids ? c.service_ids.join(",") : "all", String(c.config.url ?? c.config.host ?? "")];
      });
      const columns = ["ID", "NAME", "TYPE", "STATE", "LEVELS", "SERVICES", "TARGET"].map((header) => ({ header, flexible: ["NAME", "STATE", "SERVICES", "TARGET"].includes(header) }));
      for (const line of renderTable(columns, rows, { maxWidth: cli.columns, colors: cli.colors })) cli.print(line);
    });

  channels
    .command("test")
    .description("send a test notification through a channel now")
    .argument("<id>", "the channel's id (from channels list)")
    .action(async (id: string, _opts, command: Command) => {
      const cli = cliOf(command);
      const result = await cli.api.post<{ ok: boolean; error?: string }>(`/api/channels/${encodeURIComponent(id)}/test`);
      if (cli.json) cli.printJson({ id, ...result });
      if (!result.ok) {
        throw new CliError(`the test notification failed: ${result.error ?? "unknown error"}`, "check the channel's URL or settings (`laneswap channels list`); fix it with PATCH /api/channels/{id}, or remove and add it again", 1, "channel_failed");
      }
      if (!cli.json) cli.print(`${cli.colors.green("delivered")}: the test notification reached channel ${id}`);
    });

  channels
    .command("remove")
    .description("remove a channel")
    .argument("<id>", "the channel's id")
    .action(async (id: string, _opts, command: Command) => {
      const cli = cliOf(command);
      await cli.api.delete(`/api/channels/${encodeURIComponent(id)}`);
      if (cli.json) return cli.printJson({ removed: id });
      cli.print(`removed channel ${id}`);
    });
}
