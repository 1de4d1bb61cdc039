import { Option, type Command } from "commander";
import { z } from "zod";
import { heartbeatSchema, registerServiceSchema, serviceIdSchema } from "../../lib/core/schemas";
import { STATUSES } from "../../lib/core/status";
import { cliOf, parseJsonOption, parseOption } from "./context";
import { describeIssues, UsageError } from "./errors";
import { renderTable, sanitize, statusLabel } from "./format";
import { fetchAllServices, LIST_COLUMNS, listRows, serviceDetailLines, summaryText, type ServiceDetail } from "./service-list";

// laneswap register | heartbeat | list | get — services over the REST API.

const OPTION_NAMES = { service_name: "--name", service_id: "--id", metadata: "--metadata", stale_threshold: "--stale-threshold", status: "--status", message: "--message" };

function validate<T>(schema: z.ZodType<T>, input: unknown): T {
  const parsed = schema.safeParse(input);
  if (!parsed.success) throw new UsageError(describeIssues(parsed.error.issues, OPTION_NAMES));
  return parsed.data;
}

const positiveInt = z.coerce.number().int().min(1);

export function registerServiceCommands(program: Command): void {
  program
    .command("register")
    .description("register a service (again with the same --id: rename it and merge its metadata)")
    .requiredOption("--name <name>", "the service's name")
    .option("--id <service-id>", "your own id ([A-Za-z0-9._:-], up to 128); a UUID is generated when left out")
    .option("--metadata <json>", 'a JSON object, e.g. \'{"version": "1.0.0"}\'')
    .option("--stale-threshold <seconds>", "seconds without a heartbeat before it is stale (default: the server's)")
    .action(async (opts, command: Command) => {
      const cli = cliOf(command);
      const body = validate(registerServiceSchema, {
        service_name: opts.name,
        service_id: opts.id,
        metadata: parseJsonOption(opts.metadata, "--metadata"),
        stale_threshold: opts.staleThreshold === undefined ? undefined : parseOption(positiveInt, opts.staleThreshold, "--stale-threshold"),
      });
      const { service_id } = await cli.api.post<{ service_id: string }>("/api/services", body);
      if (cli.json) return cli.printJson({ service_id });
      cli.print(`Registered "${sanitize(body.service_name)}" as ${cli.colors.bold(service_id)}`);
      cli.note(cli.colors.dim(`send heartbeats with: laneswap heartbeat --id ${service_id} --status healthy`));
    });

  program
    .command("heartbeat")
    .description("send a heartbeat")
    .requiredOption("--id <service-id>", "the service's id (from register)")
    .option("--status <status>", "healthy, warning, degraded, error or busy", "healthy")
    .option("--message <text>", "what is going on")
    .option("--metadata <json>", "a JSON object merged into the service's metadata")
    .action(async (opts, command: Command) => {
      const cli = cliOf(command);
      const id = validate(z.object({ id: serviceIdSchema }), { id: opts.id }).id;
      const body = validate(heartbeatSchema, { status: opts.status, message: opts.message, metadata: parseJsonOption(opts.metadata, "--metadata") });
      const service = await cli.api.post<ServiceDetail>(`/api/services/${encodeURIComponent(id)}/heartbeat`, body);
      if (cli.json) return cli.printJson(service);
      cli.print(`${statusLabel(cli.colors, service.status)}  ${sanitize(service.name)} (${service.id})${service.message ? `: ${sanitize(service.message)}` : ""}`);
    });

  program
    .command("list")
    .description("list every service, worst status first, with the fleet's summary")
    .addOption(new Option("--status <status>", "only services with this status").choices(STATUSES))
    .option("--search <text>", "only services whose id, name or message contains this")
    .action(async (opts, command: Command) => {
      const cli = cliOf(command);
      const q = opts.search === undefined ? undefined : parseOption(z.string().max(200), opts.search, "--search");
      const { services, summary } = await fetchAllServices(cli.api, { status: opts.status, q });
      if (cli.json) return cli.printJson({ services, summary });
      const now = new Date();
      if (services.length) for (const line of renderTable(LIST_COLUMNS, listRows(services, now, cli.colors), { maxWidth: cli.columns, colors: cli.colors })) cli.print(line);
      else cli.print(cli.colors.dim(summary.total ? "no service matches" : "no services yet: register one with `laneswap register --name <name>`"));
      const filtered = opts.status || q ? `showing ${services.length}; ` : "";
      cli.print(cli.colors.dim(filtered) + summaryText(summary, cli.colors));
    });

  program
    .command("get")
    .description("one service: its status, metadata and newest events")
    .requiredOption("--id <service-id>", "the service's id")
    .option("--events <n>", "how many events to show (newest first; the server keeps 100 in this view)", "20")
    .action(async (opts, command: Command) => {
      const cli = cliOf(command);
      const id = validate(z.object({ id: serviceIdSchema }), { id: opts.id }).id;
      const maxEvents = parseOption(z.coerce.number().int().min(0), opts.events, "--events");
      const service = await cli.api.get<ServiceDetail>(`/api/services/${encodeURIComponent(id)}`);
      if (cli.json) return cli.printJson(service);
      for (const line of serviceDetailLines(service, { now: new Date(), colors: cli.colors, apiUrl: cli.apiUrl, maxEvents })) cli.print(line);
    });
}
