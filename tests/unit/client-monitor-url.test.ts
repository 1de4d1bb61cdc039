import { afterEach, describe, expect, it, vi } from "vitest";
import { generateMonitorUrl, normalizeApiUrl } from "../../lib/client/index.js";

describe("generateMonitorUrl", () => {
  afterEach(() => vi.unstubAllEnvs());

  it("links the dashboard's service view on the API's own server", () => {
    expect(generateMonitorUrl({ serviceId: "billing-api", apiUrl: "http://localhost:8000" })).toBe("http://localhost:8000/?service=billing-api");
  });

  it("encodes ids so that they come back unchanged", () => {
    for (const id of ["a b", "x/y?z=1&w#frag", "ünïcødé-サービス", "100%", "plus+sign", "a:b.c_d-e"]) {
      const url = new URL(generateMonitorUrl({ serviceId: id, apiUrl: "http://localhost:8000" }));
      expect(url.pathname).toBe("/");
      expect(url.searchParams.get("service")).toBe(id);
      expect([...url.searchParams.keys()]).toEqual(["service"]);
    }
    expect(generateMonitorUrl({ serviceId: "x/y?z=1&w#f", apiUrl: "http://h" })).toBe("http://h/?service=x%2Fy%3Fz%3D1%26w%23f");
  });

  it("drops trailing slashes and a trailing /api from the URL", () => {
    expect(generateMonitorUrl({ serviceId: "s", apiUrl: "http://h:9000/" })).toBe("http://h:9000/?service=s");
    expect(generateMonitorUrl({ serviceId: "s", apiUrl: "http://h:9000/api/" })).toBe("http://h:9000/?service=s");
    expect(generateMonitorUrl({ serviceId: "s", apiUrl: "https://ops.example.com/laneswap" })).toBe("https://ops.example.com/laneswap/?service=s");
  });

  it("without a service links the dashboard itself", () => {
    expect(generateMonitorUrl({ apiUrl: "http://h:9000" })).toBe("http://h:9000/");
  });

  it("defaults to MONITOR_URL, then API_URL, then localhost:8000", () => {
    vi.stubEnv("MONITOR_URL", "");
    vi.stubEnv("LANESWAP_MONITOR_URL", "");
    vi.stubEnv("API_URL", "");
    vi.stubEnv("LANESWAP_API_URL", "");
    expect(generateMonitorUrl({ serviceId: "s" })).toBe("http://localhost:8000/?service=s");
    vi.stubEnv("API_URL", "http://api.internal:8000");
    expect(generateMonitorUrl({ serviceId: "s" })).toBe("http://api.internal:8000/?service=s");
    vi.stubEnv("MONITOR_URL", "https://status.example.com");
    expect(generateMonitorUrl({ serviceId: "s" })).toBe("https://status.example.com/?service=s");
  });

  it("refuses what is not an http(s) URL", () => {
    expect(() => normalizeApiUrl("localhost:8000")).toThrow(TypeError);
    expect(() => normalizeApiUrl("not a url")).toThrow(/not a valid URL/);
    expect(() => normalizeApiUrl("ftp://h")).toThrow(/http/);
  });
});
