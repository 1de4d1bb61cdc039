import { ZodError } from "zod";
import { AppError, HTTP_STATUS, errorBody } from "../core/errors";

/** Field paths and messages from a zod error, for the `fields` of a 422. */
export function zodFields(error: ZodError): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const issue of error.issues) {
    const key = issue.path.length ? issue.path.join(".") : "body";
    fields[key] ??= issue.message;
  }
  return fields;
}

/** Maps anything thrown by a route to the JSON error shape; unexpected errors are logged and never leaked. */
export function errorResponse(error: unknown, headers: Record<string, string> = {}): Response {
  let appError: AppError;
  if (error instanceof AppError) appError = error;
  else if (error instanceof ZodError) {
    const fields = zodFields(error);
    const summary = Object.entries(fields).map(([k, v]) => `${k}: ${v}`).join("; ");
    appError = new AppError("validation_failed", `Invalid request: ${summary}`, fields);
  } else if ((error as { code?: string })?.code === "P2002") {
    appError = new AppError("conflict", "A record with this identifier already exists");
  } else {
    console.error("[laneswap] unexpected error", error);
    appError = new AppError("internal_error", "Internal server error");
  }
  return Response.json(errorBody(appError.code, appError.message, appError.fields), {
    status: HTTP_STATUS[appError.code],
    headers: { ...headers, ...appError.headers },
  });
}
