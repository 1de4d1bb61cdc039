import { route } from "@/lib/api/handler";
import { setupSchema } from "@/lib/core/user-schemas";
import { createFirstUser } from "@/lib/services/users/create-user";
import { hasUsers } from "@/lib/services/users/list-users";

// GET /api/setup — whether the first admin still has to be created (no auth)
export const GET = route({ scope: null }, async ({ ctx }) => ({ needed: !(await hasUsers(ctx)) }));

// POST /api/setup — create the first admin; only while there is no user at all (no auth, 409 afterwards)
export const POST = route({ scope: null, body: setupSchema }, async ({ ctx, body }) =>
  Response.json(await createFirstUser(ctx, body), { status: 201 }),
);
