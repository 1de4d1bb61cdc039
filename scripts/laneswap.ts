// laneswap — the command line: services, keys and channels over the REST API, running the server and the worker on
// this machine, the terminal monitor and a system check. Run through bin/laneswap.js; documented in docs/cli.md.
// Exit codes: 0 success, 1 failure, 2 bad usage.
import { Command, CommanderError } from "commander";
import { VERSION } from "../lib/version";
import { registerChannelCommands } from "./cli/channels";
import { DEFAULT_API_URL } from "./cli/context";
import { CliError, EXIT_FAILURE, EXIT_OK, EXIT_USAGE } from "./cli/errors";
import { colorsEnabled, makeColors } from "./cli/format";
import { registerKeyCommands } from "./cli/keys";
import { registerMonitorCommand } from "./cli/monitor";
import { registerServerCommands } from "./cli/server";
import { registerServiceCommands } from "./cli/services";
import { registerSystemCheckCommand } from "./cli/system-check";

export function buildProgram(): Command {
  const program = new Command("laneswap")
    .description("LaneSwap, the self-hosted heartbeat monitor: services, heartbeats, keys, channels, server and monitor")
    .version(VERSION, "-V, --version")
    .option("--api-url <url>", `LaneSwap's URL (env API_URL; default ${DEFAULT_API_URL})`)
    .option("--api-key <key>", "an API key (env LANESWAP_API_KEY)")
    .option("--json", "JSON output for scripts")
    .option("--no-color", "no colours (also off with NO_COLOR, and when the output is not a terminal)")
    // Usage errors throw instead of exiting with commander's code 1, so they can exit with 2.
    .exitOverride()
    .showHelpAfterError("(add --help for usage)")
    .showSuggestionAfterError();
  program.addHelpText(
    "after",
    `
Examples:
  laneswap register --name "My Service" --metadata '{"version": "1.0.0"}'
  laneswap heartbeat --id <service-id> --status healthy --message "Running normally"
  laneswap list
  laneswap monitor --interval 5
  laneswap system-check

Exit codes: 0 success, 1 failure, 2 bad usage. Documentation: docs/cli.md`,
  );
  registerServiceCommands(program);
  registerServerCommands(program);
  registerMonitorCommand(program);
  registerKeyCommands(program);
  registerChannelCommands(program);
  registerSystemCheckCommand(program);
  return program;
}

function report(error: CliError, json: boolean): void {
  if (json) {
    process.stderr.write(JSON.stringify({ error: { code: error.code, message: error.message, hint: error.hint } }) + "\n");
    return;
  }
  const c = makeColors(colorsEnabled(process.stderr));
  process.stderr.write(`${c.red("error:")} ${error.message}\n`);
  if (error.hint) process.stderr.write(`${c.dim("hint:")} ${error.hint}\n`);
}

async function main(argv: string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv);
    return typeof process.exitCode === "number" ? process.exitCode : EXIT_OK;
  } catch (error) {
    const json = Boolean(program.opts().json);
    if (error instanceof CommanderError) return error.exitCode === 0 ? EXIT_OK : EXIT_USAGE;
    if (error instanceof CliError) {
      report(error, json);
      return error.exitCode;
    }
    report(new CliError(`unexpected error: ${(error as Error)?.stack ?? String(error)}`, "this is a bug in LaneSwap; please report it"), json);
    return EXIT_FAILURE;
  }
}

const code = await main(process.argv);
// Let stdout and stderr drain before exiting (pipes can be asynchronous), then exit even if a socket lingers.
process.stdout.write("", () => process.stderr.write("", () => process.exit(code)));
