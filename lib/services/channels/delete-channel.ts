import { AppError } from "../../core/errors";
import type { Ctx } from "../context";
import { findChannel } from "./list-channels";

/** Removes a channel and its pending deliveries. */
export async function deleteChannel(ctx: Ctx, { id }: { id: string }): Promise<void> {
  const channel = await findChannel(ctx, { id });
  if (channel.managed) {
    throw new AppError("conflict", "This channel mirrors DISCORD_WEBHOOK_URL; unset the environment variable instead");
  }
  await ctx.db.channel.deleteMany({ where: { id } });
}
