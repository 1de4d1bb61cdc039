import type { z } from "zod";
import { LaneSwapError } from "./errors.js";

// In-process input is checked with the REST API's own schemas, and fails the way the API answers: a 422
// LaneSwapError naming the fields.

function validationError(error: z.ZodError): LaneSwapError {
  const fields: Record<string, string> = {};
  for (const issue of error.issues) fields[issue.path.length ? issue.path.join(".") : "body"] ??= issue.message;
  const summary = Object.entries(fields).map(([k, v]) => `${k}: ${v}`).join("; ");
  return new LaneSwapError({ status: 422, code: "validation_failed", detail: `Invalid request: ${summary}`, fields });
}

export function parse<T>(schema: z.ZodType<T>, value: unknown): T {
  const result = schema.safeParse(value);
  if (!result.success) throw validationError(result.error);
  return result.data;
}

