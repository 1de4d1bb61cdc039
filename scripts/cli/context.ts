import path from "node:path";
import { fileURLToPath } from "node:url";
import type { Command } from "commander";
import { z } from "zod";
import { ConfigError, parseConfig, type Config } from "../../lib/config";
import { CliError, UsageError } from "./errors";
import { colorsEnabled, makeColors, type Colors } from "./format";
import { ApiClient } from "./http";

// What every command gets: the resolved global options, an API client and the output helpers.

export const DEFAULT_API_URL = "http://localhost:8000";

/** The folder LaneSwap is installed in (where package.json, .next and prisma/ are). */
export const PACKAGE_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");

export type GlobalOptions = { apiUrl?: string; apiKey?: string; json?: boolean; color?: boolean };

export type Cli = {
  apiUrl: string;
  apiKey?: string;
  json: boolean;
  colors: Colors;
  api: ApiClient;
  /** The terminal's width when stdout is one; undefined in pipes (tables are then never cut). */
  columns?: number;
  print: (text?: string) => void;
  printJson: (value: unknown) => void;
  /** Progress and notes that are not the command's result: to stderr, so --json stdout stays parseable. */
  note: (text: string) => void;
  env: Record<string, string | undefined>;
};

const httpUrl = z.url({ protocol: /^https?$/ });

export function resolveApiUrl(option: string | undefined, env: Record<string, string | undefined>): string {
  const [value, source] = option
    ? [option, "--api-url"]
    : env.API_URL
      ? [env.API_URL, "API_URL"]
      : env.LANESWAP_API_URL
        ? [env.LANESWAP_API_URL, "LANESWAP_API_URL"]
        : [DEFAULT_API_URL, "default"];
  if (!httpUrl.safeParse(value).success) {
    throw new UsageError(`${source}: "${value}" is not an http(s) URL`, "e.g. --api-url http://localhost:8000");
  }
  return value.replace(/\/+$/, "");
}

export function makeCli(options: GlobalOptions, env: Record<string, string | undefined> = process.env): Cli {
  const apiUrl = resolveApiUrl(options.apiUrl, env);
  const apiKey = options.apiKey || env.LANESWAP_API_KEY || undefined;
  const json = Boolean(options.json);
  const colors = makeColors(options.color !== false && !json && colorsEnabled(process.stdout, env));
  return {
    apiUrl,
    apiKey,
    json,
    colors,
    api: new ApiClient(apiUrl, apiKey),
    columns: process.stdout.isTTY ? process.stdout.columns : undefined,
    print: (text = "") => process.stdout.write(text + "\n"),
    printJson: (value) => process.stdout.write(JSON.stringify(value, null, 2) + "\n"),
    note: (text) => process.stderr.write(text + "\n"),
    env,
  };
}

/** The CLI context of a command's action (global options merged with the command's own). */
export function cliOf(command: Command): Cli {
  return makeCli(command.optsWithGlobals() as GlobalOptions);
}

/**
 * The server-side configuration, for commands that run LaneSwap or touch its database on this machine. They work
 * in the installation folder, as `npm start` does, so relative DATA_DIR and DATABASE_URL paths mean the same for
 * the CLI, the web server and the worker.
 */
export function localConfig(env: Record<string, string | undefined> = process.env): Config {
  process.chdir(PACKAGE_ROOT);
  try {
    return parseConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) {
      throw new CliError(error.message, "fix the variable named above (README → Configuration lists them all)", 1, "config");
    }
    throw error;
  }
}

/** Parses an option value with a zod schema, or a UsageError naming the option. */
export function parseOption<T>(schema: z.ZodType<T>, value: unknown, option: string): T {
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw new UsageError(`${option}: ${parsed.error.issues.map((i) => i.message).join("; ")}`);
  return parsed.data;
}

/** A JSON object option such as --metadata '{"version":"1.0.0"}'. */
export function parseJsonOption(value: string | undefined, option: string): unknown {
  if (value === undefined) return undefined;
  try {
    return JSON.parse(value);
  } catch (error) {
    throw new UsageError(`${option}: not valid JSON (${(error as Error).message})`, `e.g. ${option} '{"version": "1.0.0"}'`);
  }
}
