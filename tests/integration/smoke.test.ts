import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PROVIDERS, startServers, uniqueId } from "./harness";

let servers: Awaited<ReturnType<typeof startServers>>;
beforeAll(async () => {
  servers = await startServers(PROVIDERS);
});
afterAll(async () => servers?.stopAll());

describe.each(PROVIDERS)("smoke on %s", (provider) => {
  it("registers, beats and lists", async () => {
    const s = servers.get(provider);
    const id = uniqueId();
    const reg = await s.api("/api/services", { method: "POST", json: { service_name: "Smoke", service_id: id } });
    expect(reg.status).toBe(200);
    expect(await reg.json()).toEqual({ service_id: id });
    const hb = await s.api(`/api/services/${id}/heartbeat`, { method: "POST", json: { status: "healthy" } });
    expect(hb.status).toBe(200);
    const body = await hb.json();
    expect(body.status).toBe("healthy");
    expect(body.events.map((e: { type: string }) => e.type)).toEqual(["heartbeat", "flip"]);
  });
});
