import "server-only";
import type { Ctx } from "../services/context";
import { changeStamp } from "../services/change-stamp";

// One poller per process, shared by every open stream: it asks the database for the change stamp every POLL_MS
// while anyone listens. The worker is another process, so the database is the only place its changes show up.

export const POLL_MS = 500;
type Listener = (stamp: string) => void;

const feed = globalThis as unknown as { laneswapFeed?: { listeners: Set<Listener>; timer: NodeJS.Timeout | null; stamp: string | null } };
const state = (feed.laneswapFeed ??= { listeners: new Set(), timer: null, stamp: null });

async function poll(ctx: Ctx): Promise<void> {
  try {
    const stamp = await changeStamp(ctx);
    if (stamp !== state.stamp) {
      state.stamp = stamp;
      for (const listener of state.listeners) listener(stamp);
    }
  } catch (error) {
    console.error("[laneswap] change feed poll failed", (error as Error).message);
  }
  if (state.listeners.size > 0) state.timer = setTimeout(() => void poll(ctx), POLL_MS);
  else state.timer = null;
}

/** Calls `listener` with every new stamp until the returned function is called. */
export function subscribe(ctx: Ctx, listener: Listener): () => void {
  state.listeners.add(listener);
  if (!state.timer) state.timer = setTimeout(() => void poll(ctx), 0);
  return () => state.listeners.delete(listener);
}
