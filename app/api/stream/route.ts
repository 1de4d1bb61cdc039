import { route } from "@/lib/api/handler";
import { subscribe } from "@/lib/api/change-feed";

export const dynamic = "force-dynamic";

/** Keep in step with the page's watchdog (components/live/live-provider.tsx), which waits for 2.5 of these. */
const KEEPALIVE_MS = 15_000;

// GET /api/stream — server-sent events: a `change` event whenever services or their history change
export const GET = route({ scope: "read" }, async ({ ctx, request }) => {
  const encoder = new TextEncoder();
  let cleanup = () => {};
  const stream = new ReadableStream<Uint8Array>({
    start(controller) {
      const send = (text: string) => {
        try {
          controller.enqueue(encoder.encode(text));
        } catch {
          cleanup();
        }
      };
      // Browsers reconnect after `retry` ms when the connection drops.
      send("retry: 2000\n\n");
      const unsubscribe = subscribe(ctx, (stamp) => send(`event: change\ndata: ${JSON.stringify({ stamp })}\n\n`));
      // A named event rather than a comment: the page sees it, so a stream that went silent is noticed and replaced.
      const keepalive = setInterval(() => send("event: ping\ndata: {}\n\n"), KEEPALIVE_MS);
      cleanup = () => {
        unsubscribe();
        clearInterval(keepalive);
        try {
          controller.close();
        } catch {
          // already closed
        }
      };
      request.signal.addEventListener("abort", () => cleanup());
    },
    cancel() {
      cleanup();
    },
  });
  return new Response(stream, {
    headers: {
      "Content-Type": "text/event-stream; charset=utf-8",
      "Cache-Control": "no-cache, no-transform",
      Connection: "keep-alive",
      "X-Accel-Buffering": "no",
      // Keeps Next's gzip from buffering the stream.
      "Content-Encoding": "none",
    },
  });
});
