import { z } from "zod";

// Dashboard users: the shapes the setup page, the users page and the REST API share.

export const USER_ROLES = ["admin", "viewer"] as const;
export type UserRole = (typeof USER_ROLES)[number];

export const usernameSchema = z
  .string()
  .trim()
  .toLowerCase()
  .regex(/^[a-z0-9._@-]{1,64}$/, "must be 1-64 letters, digits, '.', '_', '@' or '-'");

// bcrypt reads at most 72 bytes; longer passwords would be silently truncated, so they are refused.
export const passwordSchema = z
  .string()
  .min(8, "must be at least 8 characters")
  .refine((p) => Buffer.byteLength(p, "utf8") <= 72, "must be at most 72 bytes");

export const setupSchema = z.strictObject({ username: usernameSchema, password: passwordSchema });
export const createUserSchema = z.strictObject({
  username: usernameSchema,
  password: passwordSchema,
  role: z.enum(USER_ROLES).default("admin"),
});
export const changePasswordSchema = z.strictObject({ password: passwordSchema });
export const loginSchema = z.object({ username: z.string().trim().toLowerCase().max(64), password: z.string().max(200) });
