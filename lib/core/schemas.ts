import { z } from "zod";
import { METADATA_MAX_BYTES, metadataBytes, type Metadata } from "./metadata";
import { CLIENT_STATUSES, STATUSES } from "./status";

// The request shapes of the REST API, shared by the routes, the dashboard forms and the CLI.

export const SERVICE_ID_PATTERN = /^[A-Za-z0-9._:-]{1,128}$/;
export const MAX_THRESHOLD_SECONDS = 30 * 24 * 3600;

export const serviceIdSchema = z
  .string()
  .regex(SERVICE_ID_PATTERN, "must be 1-128 characters of letters, digits, '.', '_', ':' or '-'");

export const metadataSchema: z.ZodType<Metadata> = z
  .record(z.string(), z.json())
  .refine((m) => metadataBytes(m) <= METADATA_MAX_BYTES, `must be at most ${METADATA_MAX_BYTES} bytes as JSON`);

const nameSchema = z.string().trim().min(1, "must not be empty").max(200, "must be at most 200 characters");
const thresholdSchema = z.number().int().min(1).max(MAX_THRESHOLD_SECONDS);

export const registerServiceSchema = z.strictObject({
  service_name: nameSchema,
  service_id: serviceIdSchema.optional(),
  metadata: metadataSchema.optional(),
  stale_threshold: thresholdSchema.optional(),
});
export type RegisterServiceInput = z.infer<typeof registerServiceSchema>;

const statusSchema = z.string().superRefine((value, ctx) => {
  if ((CLIENT_STATUSES as readonly string[]).includes(value)) return;
  ctx.addIssue({
    code: "custom",
    message:
      value === "stale" || value === "unknown"
        ? `'${value}' is set by LaneSwap itself and cannot be reported`
        : `must be one of ${CLIENT_STATUSES.join(", ")}`,
  });
}) as unknown as z.ZodType<(typeof CLIENT_STATUSES)[number]>;

export const heartbeatSchema = z.strictObject({
  status: statusSchema.default("healthy"),
  message: z.string().max(2000).nullish(),
  metadata: metadataSchema.optional(),
});
export type HeartbeatInput = z.infer<typeof heartbeatSchema>;

export const patchServiceSchema = z
  .strictObject({
    name: nameSchema.optional(),
    metadata: metadataSchema.optional(),
    stale_threshold: thresholdSchema.nullable().optional(),
    paused: z.boolean().optional(),
  })
  .refine((p) => Object.keys(p).length > 0, "give at least one of name, metadata, stale_threshold, paused");
export type PatchServiceInput = z.infer<typeof patchServiceSchema>;

export const listServicesQuerySchema = z.strictObject({
  status: z.enum(STATUSES).optional(),
  q: z.string().max(200).optional(),
  limit: z.coerce.number().int().min(1).max(1000).optional(),
  cursor: serviceIdSchema.optional(),
});

export const EVENT_ID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const isoTime = z.union([z.iso.datetime({ offset: true }), z.iso.date()]);

export const eventsQuerySchema = z.strictObject({
  limit: z.coerce.number().int().min(1).max(1000).default(100),
  // A next_cursor from the previous page, or an ISO 8601 time.
  before: z
    .string()
    .refine((v) => EVENT_ID_PATTERN.test(v) || isoTime.safeParse(v).success, "must be a next_cursor or an ISO 8601 time")
    .optional(),
});

export const API_SCOPES = ["read", "write", "admin"] as const;
export type ApiScope = (typeof API_SCOPES)[number];

export const createKeySchema = z.strictObject({
  name: z.string().trim().min(1).max(100),
  scopes: z.array(z.enum(API_SCOPES)).min(1, "give at least one scope").transform((s) => [...new Set(s)]),
});
