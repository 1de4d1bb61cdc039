import { createHash, randomBytes, timingSafeEqual } from "node:crypto";

const KEY_PREFIX = "lsk_";

/** A new key: 32 random bytes, so a fast hash is enough to store it safely. */
export function generateApiKey(): { key: string; prefix: string; hash: string } {
  const key = KEY_PREFIX + randomBytes(32).toString("base64url");
  return { key, prefix: key.slice(0, KEY_PREFIX.length + 6), hash: hashApiKey(key) };
}

export function hashApiKey(key: string): string {
  return createHash("sha256").update(key).digest("hex");
}

let known: { secret: string; digest: Buffer } | null = null;

/** Whether `hash` (hashApiKey of a presented key) is the hash of `secret`, compared in constant time. */
export function isHashOf(hash: string, secret: string): boolean {
  // The secret (LANESWAP_API_KEY) is the same on every request: hashed once.
  if (known?.secret !== secret) known = { secret, digest: createHash("sha256").update(secret).digest() };
  return timingSafeEqual(Buffer.from(hash, "hex"), known.digest);
}
