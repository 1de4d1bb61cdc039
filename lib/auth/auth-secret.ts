import { randomBytes } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import type { Config } from "../config";

const SECRET_FILE = "nextauth-secret";
let cached: string | undefined;

/**
 * The key that signs dashboard sessions: NEXTAUTH_SECRET when set, otherwise one generated on first start and kept
 * in DATA_DIR, so sessions survive restarts and `npm start` needs no configuration. Several processes starting at
 * once agree: the file is created exclusively and the losers read the winner's.
 */
export function authSecret(config: Pick<Config, "nextAuthSecret" | "dataDir">): string {
  if (config.nextAuthSecret) return config.nextAuthSecret;
  if (cached) return cached;
  const file = path.join(config.dataDir, SECRET_FILE);
  fs.mkdirSync(config.dataDir, { recursive: true });
  try {
    fs.writeFileSync(file, randomBytes(32).toString("base64url"), { flag: "wx", mode: 0o600 });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
  }
  const secret = fs.readFileSync(file, "utf8").trim();
  if (secret.length < 16) throw new Error(`${file} holds no usable secret; delete it to generate a new one`);
  cached = secret;
  return secret;
}
