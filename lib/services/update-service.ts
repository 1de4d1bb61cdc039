import { watchedDeadline } from "../core/deadline";
import { serviceNotFound } from "../core/errors";
import type { PatchServiceInput } from "../core/schemas";
import type { Ctx } from "./context";
import { nowOf, thresholdOf } from "./context";
import { getService } from "./get-service";
import type { ServiceView } from "./service-view";

/**
 * Changes a service's name, metadata (replaced whole), threshold (null: back to the global default) or pause.
 * Resuming restarts the clock: the service gets a full threshold from now before it can go stale.
 */
export async function updateService(ctx: Ctx, { id, patch }: { id: string; patch: PatchServiceInput }): Promise<ServiceView> {
  const now = nowOf(ctx);
  await ctx.db.$transaction(async (tx) => {
    const touched = await tx.service.updateMany({ where: { id }, data: { updatedAt: now } });
    if (touched.count === 0) throw serviceNotFound(id);
    const current = await tx.service.findUniqueOrThrow({ where: { id } });
    const staleThreshold = patch.stale_threshold === undefined ? current.staleThreshold : patch.stale_threshold;
    const paused = patch.paused ?? current.paused;
    const resumed = current.paused && !paused;
    await tx.service.update({
      where: { id },
      data: {
        ...(patch.name !== undefined ? { name: patch.name } : {}),
        ...(patch.metadata !== undefined ? { metadata: patch.metadata } : {}),
        staleThreshold,
        paused,
        deadline: watchedDeadline({
          status: current.status,
          paused,
          lastHeartbeat: resumed ? now : current.lastHeartbeat,
          createdAt: current.createdAt,
          thresholdSeconds: thresholdOf(ctx, staleThreshold),
        }),
      },
    });
  });
  return getService(ctx, { id });
}
