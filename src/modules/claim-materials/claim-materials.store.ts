/**
 * Where a dossier's bytes go when an object store is configured (BACKSTOP_OBJECT_STORE_*,
 * docs/OPERATIONS.md "Claim materials in an object store"): an S3-compatible bucket, one object per
 * content, its key the file's SHA-256. Putting the same bytes twice writes the same object, so a put
 * is idempotent and may be retried; an object no row names is harmless (an upload whose insert
 * failed after its put) and may be deleted.
 */
export interface MaterialObjectStore {
  /** Where the objects are, for messages and logs (`s3://bucket/prefix`). */
  readonly location: string;
  /** Stores the bytes under their SHA-256 (hex); throws when the store does not take them. */
  put(sha256: string, content: Uint8Array): Promise<void>;
  /** The bytes under that SHA-256, or undefined when there is no such object; throws when the store cannot be read. */
  get(sha256: string): Promise<Uint8Array | undefined>;
}
