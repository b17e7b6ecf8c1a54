/**
 * Where the server keeps bytes by their SHA-256: every image and every received envelope exactly as it
 * arrived. The routes, intake, reindex and backup use only this, so the filesystem store (BlobStore, the one
 * shipped) can be replaced by another, e.g. an S3-compatible bucket shared by several server instances.
 *
 * What an implementation must promise (the ingest's durable acknowledgement rests on it):
 * - `put` resolves only once the bytes survive a crash or power cut of this machine (fsync, or the object
 *   store's own acknowledgement), and is idempotent: the same bytes put twice are stored once;
 * - the name is the SHA-256 of the content, so a stored object is never changed, only written once;
 * - `read` gives back exactly the bytes put, or undefined when there are none (never a partial object);
 * - `list` names every stored object (backup and reindex walk it), in any order.
 */
export interface BlobStorage {
  has(sha256: string): Promise<boolean>;
  read(sha256: string): Promise<Uint8Array | undefined>;
  put(bytes: Uint8Array): Promise<{ readonly sha256: string; readonly isNew: boolean }>;
  list(): AsyncIterable<string>;
}
