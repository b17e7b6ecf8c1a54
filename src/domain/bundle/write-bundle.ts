import { strToU8, Zip, ZipDeflate, ZipPassThrough } from 'fflate';
import type { SealedEnvelope } from '../seal/seal-schema';
import { BUNDLE_V2_FORMAT_VERSION, type BundleAuditEntry, type BundleManifest } from './bundle-v2-schema';

/** The v2 entry of one envelope: its payload without the rubric, which it names by fingerprint instead. */
export function auditEntryOf(envelope: SealedEnvelope): BundleAuditEntry {
  const { rubric: _rubric, ...payload } = envelope.payload;
  return {
    payload,
    rubric: envelope.payload.audit.rubricFingerprint.replace(/^sha256:/, ''),
    hash: envelope.hash,
    signature: envelope.signature,
  };
}

/**
 * Writes a v2 bundle as a stream of zip chunks (the CLI writes them to a file, the app collects them): each rubric
 * once, each image once by SHA-256, then each envelope; the manifest last, when the counts are known (readers go
 * by the central directory, never by order). Envelopes come from a store that verified them on the way in; a
 * reader checks everything again.
 */
export class BundleV2Writer {
  private readonly zip: Zip;
  private readonly rubrics = new Set<string>();
  private readonly images = new Set<string>();
  private readonly audits: { path: string }[] = [];
  private readonly paths = new Set<string>();
  private readonly mtime: Date;
  private error: Error | undefined;

  constructor(
    onData: (chunk: Uint8Array, final: boolean) => void,
    private readonly createdAt: string,
  ) {
    this.mtime = new Date(createdAt);
    this.zip = new Zip((error, chunk, final) => {
      if (error) this.error = error;
      else onData(chunk, final);
    });
  }

  private put(name: string, bytes: Uint8Array, compress: boolean): void {
    // JPEG and PNG are compressed already: stored as they are, they cost no time and no bytes.
    const file = compress ? new ZipDeflate(name, { level: 6 }) : new ZipPassThrough(name);
    file.mtime = this.mtime;
    this.zip.add(file);
    file.push(bytes, true);
    if (this.error) throw this.error;
  }

  /** Adds one sealed audit and its images (by blob id; the seal says each one's hash). */
  add(envelope: SealedEnvelope, images: ReadonlyMap<string, Uint8Array>): void {
    const entry = auditEntryOf(envelope);
    if (!this.rubrics.has(entry.rubric)) {
      this.rubrics.add(entry.rubric);
      this.put(`rubrics/${entry.rubric}.json`, strToU8(JSON.stringify(envelope.payload.rubric)), true);
    }
    for (const blob of envelope.payload.blobs) {
      if (this.images.has(blob.sha256)) continue;
      const bytes = images.get(blob.id);
      if (!bytes) throw new Error(`audit ${envelope.payload.audit.id}: image ${blob.id} is not given`);
      this.images.add(blob.sha256);
      this.put(`images/${blob.sha256}`, bytes, false);
    }
    const path = `audits/${envelope.payload.audit.id}.json`;
    if (this.paths.has(path))
      throw new Error(`audit ${envelope.payload.audit.id} is given twice`);
    this.paths.add(path);
    this.audits.push({ path });
    this.put(path, strToU8(JSON.stringify(entry)), true);
  }

  finish(): void {
    const manifest: BundleManifest = {
      format: 'ducha.bundle',
      version: BUNDLE_V2_FORMAT_VERSION,
      createdAt: this.createdAt,
      audits: this.audits,
      counts: { audits: this.audits.length, rubrics: this.rubrics.size, images: this.images.size },
    };
    this.put('manifest.json', strToU8(JSON.stringify(manifest)), true);
    this.zip.end();
    if (this.error) throw this.error;
  }
}

/** A whole v2 bundle in memory (the app's export; tests). */
export function writeBundleV2(
  entries: Iterable<{ readonly envelope: SealedEnvelope; readonly images: ReadonlyMap<string, Uint8Array> }>,
  createdAt: string,
): Uint8Array {
  const chunks: Uint8Array[] = [];
  const writer = new BundleV2Writer((chunk) => chunks.push(chunk), createdAt);
  for (const { envelope, images } of entries) writer.add(envelope, images);
  writer.finish();
  const out = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  let at = 0;
  for (const chunk of chunks) {
    out.set(chunk, at);
    at += chunk.length;
  }
  return out;
}
