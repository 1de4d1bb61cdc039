// Run by client-wrapper.test.ts with tsx (esbuild compiles the standard decorators, as it would in a user's
// project): a class whose methods carry @heartbeat, reporting to the server in API_URL with LANESWAP_API_KEY.
import { configure, getDefaultClient, heartbeat } from "../../lib/client/index.js";

configure({ apiUrl: process.env.API_URL!, apiKey: process.env.LANESWAP_API_KEY });
const serviceId = process.env.SERVICE_ID!;
const failure = new Error("feed unavailable");

class Importer {
  rows = 42;

  @heartbeat({ serviceId })
  async importAll(): Promise<number> {
    await new Promise((r) => setTimeout(r, 150));
    return this.rows;
  }

  @heartbeat({ serviceId, successStatus: "degraded" })
  countRows(): number {
    return this.rows + 1;
  }

  @heartbeat({ serviceId, errorStatus: "warning" })
  async broken(): Promise<never> {
    throw failure;
  }
}

const importer = new Importer();
const imported = await importer.importAll();
const counted = importer.countRows();
await getDefaultClient().flush();
let same = false;
try {
  await importer.broken();
} catch (error) {
  same = error === failure;
}
console.log(JSON.stringify({ imported, counted, same }));
