import { AppError } from "../../core/errors";
import type { Ctx } from "../context";
import { toChannelView, type ChannelView } from "./channel-view";

export async function listChannels(ctx: Ctx): Promise<{ channels: ChannelView[] }> {
  const rows = await ctx.db.channel.findMany({ orderBy: { createdAt: "asc" } });
  return { channels: rows.map(toChannelView) };
}

export async function findChannel(ctx: Ctx, { id }: { id: string }) {
  const row = await ctx.db.channel.findUnique({ where: { id } });
  if (!row) throw new AppError("not_found", `Channel not found: ${id}`);
  return row;
}

export async function getChannel(ctx: Ctx, { id }: { id: string }): Promise<ChannelView> {
  return toChannelView(await findChannel(ctx, { id }));
}
