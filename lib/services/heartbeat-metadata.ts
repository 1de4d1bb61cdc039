import { AppError } from "../core/errors";
import { METADATA_MAX_BYTES, mergeMetadata, metadataBytes, type Metadata } from "../core/metadata";

/** The service's metadata with a heartbeat's merged in; 422 when the result would be over the size limit. */
export function heartbeatMetadata(current: Metadata, update: Metadata | undefined): Metadata {
  const metadata = mergeMetadata(current, update);
  if (update && metadataBytes(metadata) > METADATA_MAX_BYTES) {
    throw new AppError("validation_failed", `Merged metadata would exceed ${METADATA_MAX_BYTES} bytes`, {
      metadata: `the service's metadata merged with this heartbeat's must be at most ${METADATA_MAX_BYTES} bytes as JSON`,
    });
  }
  return metadata;
}
