import { randomUUID } from "node:crypto";
import { AppError } from "../core/errors";
import { watchedDeadline } from "../core/deadline";
import { METADATA_MAX_BYTES, mergeMetadata, metadataBytes, type Metadata } from "../core/metadata";
import type { RegisterServiceInput } from "../core/schemas";
import type { Ctx } from "./context";
import { nowOf, thresholdOf } from "./context";

/**
 * Registers a service, or, when `service_id` names an existing one, renames it and merges the metadata
 * (idempotent re-registration).
 */
export async function registerService(ctx: Ctx, input: RegisterServiceInput): Promise<{ service_id: string }> {
  const id = input.service_id ?? randomUUID();
  try {
    return await upsertService(ctx, id, input);
  } catch (error) {
    // Two first registrations of one id at the same moment: the loser's create collides; it is now an update.
    if ((error as { code?: string }).code !== "P2002") throw error;
    return upsertService(ctx, id, input);
  }
}

async function upsertService(ctx: Ctx, id: string, input: RegisterServiceInput): Promise<{ service_id: string }> {
  const now = nowOf(ctx);
  return ctx.db.$transaction(async (tx) => {
    // Writing first takes the row (PostgreSQL) or the database (SQLite) lock before reading.
    const touched = await tx.service.updateMany({ where: { id }, data: { name: input.service_name } });
    if (touched.count === 0) {
      const threshold = thresholdOf(ctx, input.stale_threshold ?? null);
      await tx.service.create({
        data: {
          id,
          name: input.service_name,
          metadata: input.metadata ?? {},
          createdAt: now,
          updatedAt: now,
          staleThreshold: input.stale_threshold ?? null,
          deadline: watchedDeadline({ status: "unknown", paused: false, lastHeartbeat: null, createdAt: now, thresholdSeconds: threshold }),
        },
      });
      return { service_id: id };
    }
    const current = await tx.service.findUniqueOrThrow({ where: { id } });
    const metadata = mergeMetadata(current.metadata as Metadata, input.metadata);
    if (metadataBytes(metadata) > METADATA_MAX_BYTES) {
      throw new AppError("validation_failed", "Merged metadata would exceed 16384 bytes", {
        metadata: `the merged metadata must be at most ${METADATA_MAX_BYTES} bytes as JSON`,
      });
    }
    const staleThreshold = input.stale_threshold ?? current.staleThreshold;
    await tx.service.update({
      where: { id },
      data: {
        metadata,
        updatedAt: now,
        staleThreshold,
        deadline: watchedDeadline({ ...current, thresholdSeconds: thresholdOf(ctx, staleThreshold) }),
      },
    });
    return { service_id: id };
  });
}
