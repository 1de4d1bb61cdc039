export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };
export type Metadata = { [key: string]: JsonValue };

export const METADATA_MAX_BYTES = 16 * 1024;

export function metadataBytes(metadata: Metadata): number {
  return Buffer.byteLength(JSON.stringify(metadata), "utf8");
}

/** Heartbeat and re-registration metadata is shallow-merged into what the service already has. */
export function mergeMetadata(current: Metadata, update: Metadata | undefined): Metadata {
  return update ? { ...current, ...update } : current;
}

const SECRET_KEY = /password|secret|token|key/i;

/** Metadata safe to show in a notification: keys that look like credentials are left out. */
export function publicMetadata(metadata: Metadata): Metadata {
  return Object.fromEntries(Object.entries(metadata).filter(([key]) => !SECRET_KEY.test(key)));
}
