import { serviceNotFound } from "../core/errors";
import type { Ctx } from "./context";

/** Removes a service and its whole history. */
export async function deleteService(ctx: Ctx, { id }: { id: string }): Promise<void> {
  const { count } = await ctx.db.$transaction([
    ctx.db.event.deleteMany({ where: { serviceId: id } }),
    ctx.db.service.deleteMany({ where: { id } }),
  ]).then(([, services]) => services);
  if (count === 0) throw serviceNotFound(id);
}
