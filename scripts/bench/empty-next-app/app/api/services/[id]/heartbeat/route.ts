// The framework's own ceiling for the heartbeat's route: the same dynamic path (/api/services/[id]/heartbeat),
// doing no work at all. Matching a dynamic route costs the framework itself about a tenth of an empty route's
// throughput, so scripts/bench/ingest.ts compares the heartbeat against this one as well as against /api/empty.
export async function POST(): Promise<Response> {
  return Response.json({ ok: true });
}
