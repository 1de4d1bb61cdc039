import { serviceNotFound } from "../core/errors";
import type { Ctx } from "./context";
import { SERVICE_EVENTS_IN_VIEW, toServiceView, type ServiceView } from "./service-view";

/** A service with its newest events (ServiceStatus). */
export async function getService(ctx: Ctx, { id }: { id: string }): Promise<ServiceView> {
  const [service, events] = await Promise.all([
    ctx.db.service.findUnique({ where: { id } }),
    ctx.db.event.findMany({ where: { serviceId: id }, orderBy: { id: "desc" }, take: SERVICE_EVENTS_IN_VIEW }),
  ]);
  if (!service) throw serviceNotFound(id);
  return toServiceView(ctx, service, events);
}
