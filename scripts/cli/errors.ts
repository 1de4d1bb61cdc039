// The CLI's exit codes and the two error types every command throws: the top level prints them with their hint
// and exits with their code.

export const EXIT_OK = 0;
export const EXIT_FAILURE = 1;
export const EXIT_USAGE = 2;

/** A failure the user can act on: `message` says what went wrong, `hint` what to do about it. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly hint?: string,
    readonly exitCode: number = EXIT_FAILURE,
    /** The API's machine code (e.g. "not_found") or the CLI's own, for --json output. */
    readonly code = "failed",
  ) {
    super(message);
    this.name = "CliError";
  }
}

/** Bad usage (unknown status, malformed --metadata, …): exit code 2. */
export class UsageError extends CliError {
  constructor(message: string, hint?: string) {
    super(message, hint, EXIT_USAGE, "usage");
    this.name = "UsageError";
  }
}

type ZodLikeIssue = { path: PropertyKey[]; message: string };

/** "status: must be one of …; message: …" from zod issues, naming each field by its CLI option where known. */
export function describeIssues(issues: readonly ZodLikeIssue[], optionNames: Record<string, string> = {}): string {
  return issues
    .map((issue) => {
      const field = issue.path.map(String).join(".");
      const top = String(issue.path[0] ?? "");
      const name = optionNames[top] ? optionNames[top] + field.slice(top.length) : field;
      return name ? `${name}: ${issue.message}` : issue.message;
    })
    .join("; ");
}
