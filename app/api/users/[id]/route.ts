import { preflight, route } from "@/lib/api/handler";
import { changePasswordSchema } from "@/lib/core/user-schemas";
import { changePassword } from "@/lib/services/users/change-password";
import { deleteUser } from "@/lib/services/users/delete-user";

// PATCH /api/users/{id} — set a new password
export const PATCH = route({ scope: "admin", body: changePasswordSchema }, async ({ ctx, params, body }) => {
  await changePassword(ctx, { id: params.id, password: body.password });
  return new Response(null, { status: 204 });
});

// DELETE /api/users/{id} — remove a user (never the last admin)
export const DELETE = route({ scope: "admin" }, async ({ ctx, params }) => {
  await deleteUser(ctx, { id: params.id });
  return new Response(null, { status: 204 });
});

export const OPTIONS = preflight;
