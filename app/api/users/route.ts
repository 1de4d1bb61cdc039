import { preflight, route } from "@/lib/api/handler";
import { createUserSchema } from "@/lib/core/user-schemas";
import { createUser } from "@/lib/services/users/create-user";
import { listUsers } from "@/lib/services/users/list-users";

// GET /api/users — dashboard users (never their password hashes)
export const GET = route({ scope: "admin" }, ({ ctx }) => listUsers(ctx));

// POST /api/users — add a dashboard user
export const POST = route({ scope: "admin", body: createUserSchema }, async ({ ctx, body }) =>
  Response.json(await createUser(ctx, body), { status: 201 }),
);

export const OPTIONS = preflight;
