// The framework's own ceiling: a route handler that does no work at all. scripts/bench/ingest.ts compares the
// heartbeat route against this one under the same load.
export async function POST(): Promise<Response> {
  return Response.json({ ok: true });
}
