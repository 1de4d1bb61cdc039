import { VERSION } from "@/lib/version";

export default function Home() {
  return (
    <main style={{ fontFamily: "system-ui, sans-serif", padding: "2rem" }}>
      <h1>LaneSwap {VERSION}</h1>
      <p>
        The REST API is served under <a href="/api">/api</a>; its health at <a href="/api/health">/api/health</a>.
      </p>
    </main>
  );
}
