import { describe, expect, it } from "vitest";
import { AppError, HTTP_STATUS, errorBody, serviceNotFound, type ErrorCode } from "../../lib/core/errors";

describe("HTTP_STATUS", () => {
  it("maps every code to its HTTP status", () => {
    expect(HTTP_STATUS).toEqual({
      bad_request: 400,
      invalid_json: 400,
      unauthorized: 401,
      forbidden: 403,
      not_found: 404,
      conflict: 409,
      payload_too_large: 413,
      unsupported_media_type: 415,
      validation_failed: 422,
      rate_limited: 429,
      internal_error: 500,
    });
  });

  it("only uses 4xx/5xx statuses", () => {
    for (const status of Object.values(HTTP_STATUS)) {
      expect(status).toBeGreaterThanOrEqual(400);
      expect(status).toBeLessThan(600);
    }
  });
});

describe("errorBody", () => {
  it("has detail equal to error.message", () => {
    const body = errorBody("not_found", "Service not found: x");
    expect(body).toEqual({ detail: "Service not found: x", error: { code: "not_found", message: "Service not found: x" } });
    expect(body.detail).toBe(body.error.message);
  });

  it("omits fields when undefined", () => {
    const body = errorBody("conflict", "taken");
    expect(Object.keys(body.error).sort()).toEqual(["code", "message"]);
    expect("fields" in body.error).toBe(false);
    expect(JSON.parse(JSON.stringify(body))).toEqual({ detail: "taken", error: { code: "conflict", message: "taken" } });
  });

  it("includes fields when given", () => {
    const fields = { status: "must be one of healthy, warning", "metadata.a": "bad" };
    const body = errorBody("validation_failed", "Validation failed", fields);
    expect(body).toEqual({
      detail: "Validation failed",
      error: { code: "validation_failed", message: "Validation failed", fields },
    });
  });

  it("keeps an empty fields object", () => {
    expect(errorBody("validation_failed", "bad", {}).error.fields).toEqual({});
  });

  it("has only detail and error at the top level for every code", () => {
    for (const code of Object.keys(HTTP_STATUS) as ErrorCode[]) {
      const body = errorBody(code, `m-${code}`);
      expect(Object.keys(body).sort()).toEqual(["detail", "error"]);
      expect(body.error.code).toBe(code);
      expect(body.detail).toBe(`m-${code}`);
    }
  });
});

describe("AppError", () => {
  it("carries code, message, fields and headers", () => {
    const err = new AppError("rate_limited", "slow down", { a: "b" }, { "Retry-After": "5" });
    expect(err).toBeInstanceOf(Error);
    expect(err).toBeInstanceOf(AppError);
    expect(err.name).toBe("AppError");
    expect(err.code).toBe("rate_limited");
    expect(err.message).toBe("slow down");
    expect(err.fields).toEqual({ a: "b" });
    expect(err.headers).toEqual({ "Retry-After": "5" });
  });

  it("leaves fields and headers undefined when not given", () => {
    const err = new AppError("forbidden", "no");
    expect(err.fields).toBeUndefined();
    expect(err.headers).toBeUndefined();
  });
});

describe("serviceNotFound", () => {
  it("is a not_found AppError with the spec message", () => {
    const err = serviceNotFound("svc-42");
    expect(err).toBeInstanceOf(AppError);
    expect(err.code).toBe("not_found");
    expect(HTTP_STATUS[err.code]).toBe(404);
    expect(err.message).toBe("Service not found: svc-42");
    expect(err.fields).toBeUndefined();
  });

  it("produces the documented error body", () => {
    const err = serviceNotFound("abc");
    expect(errorBody(err.code, err.message, err.fields)).toEqual({
      detail: "Service not found: abc",
      error: { code: "not_found", message: "Service not found: abc" },
    });
  });
});
