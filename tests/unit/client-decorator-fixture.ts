import type { HeartbeatTarget } from "../../lib/client/index.js";
import { heartbeatDecorator } from "../../lib/client/with-heartbeat.js";

// Used by client-with-heartbeat.test.ts: a class with standard (TC39) method decorators, compiled by esbuild.

export function defineImporter(target: HeartbeatTarget) {
  const heartbeat = (options: Parameters<typeof heartbeatDecorator>[0]) => heartbeatDecorator(options, () => target);
  const failure = new Error("import failed");
  class Importer {
    rows = 10;

    @heartbeat({ serviceId: "importer" })
    async importAll(): Promise<number> {
      await new Promise((r) => setTimeout(r, 10));
      return this.rows;
    }

    @heartbeat({ serviceId: "importer", successStatus: "warning" })
    count(): number {
      return this.rows + 1;
    }

    @heartbeat({ serviceId: "importer" })
    async broken(): Promise<void> {
      throw failure;
    }
  }
  return { Importer, failure };
}
