// What the upload bench's clients send and how: sealed KF01 audits made before any clock starts, sent by 50
// signed-in auditors at once (each its images first, then the envelope), timed request by request.
import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { sha256Hex, type SealedEnvelope, type SealSigner } from '../../src/domain/index';
import type { SignedIn } from '../../tests/server/support/sessions';
import { freshAudit, seal } from '../../tests/server/support/uploads';
import { nodeSigner, photoRed } from '../../tests/support/sealed-audit';

export interface Upload {
  readonly envelope: string;
  readonly images: readonly { readonly sha256: string; readonly bytes: Uint8Array }[];
}

export interface UploadRun {
  readonly perSecond: number;
  readonly p50: number;
  readonly p99: number;
  readonly failed: readonly string[];
}

/** A JPEG-looking photo of about 200 KB, different every time (the blob store keeps each once). */
const photo = (): Uint8Array => Buffer.concat([Buffer.from(photoRed), randomBytes(200_000)]);

export async function makeTablets(count: number): Promise<SealSigner[]> {
  const tablets: SealSigner[] = [];
  for (let i = 0; i < count; i++) tablets.push(await nodeSigner());
  return tablets;
}

async function makeUpload(index: number, withPhotos: boolean, signer: SealSigner): Promise<Upload> {
  const audit = freshAudit({ site: `管理处 ${index % 200}` });
  const photos = withPhotos ? 2 + (index % 9) : 0;
  // The two signatures are the same images in every audit: the second and later PUTs find them stored.
  const images = new Map<string, Uint8Array>([
    ['sig-auditor', photoRed],
    ['sig-manager', Buffer.concat([Buffer.from(photoRed), Buffer.from([1])])],
  ]);
  const answers = audit.answers.map((a, i) => {
    const ids = i < photos ? [`photo-${i}`] : [];
    for (const id of ids) images.set(id, photo());
    return { ...a, photoIds: ids };
  });
  const envelope: SealedEnvelope = await seal({ ...audit, answers }, signer, { images });
  return {
    envelope: JSON.stringify(envelope),
    images: [...images.values()].map((bytes) => ({ sha256: sha256Hex(bytes), bytes })),
  };
}

/** Audit i goes to client i mod the number of tablets, sealed by that client's tablet. */
export async function makeUploads(count: number, withPhotos: boolean, tablets: readonly SealSigner[]): Promise<Upload[][]> {
  const perClient: Upload[][] = tablets.map(() => []);
  for (let i = 0; i < count; i++) {
    const tablet = tablets[i % tablets.length];
    if (!tablet) throw new Error('no tablets');
    perClient[i % tablets.length]?.push(await makeUpload(i, withPhotos, tablet));
  }
  return perClient;
}

const percentile = (sorted: readonly number[], p: number): number =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;

/** One upload as a tablet sends it: every image (PUT), then the envelope (POST); what went wrong, if anything. */
export async function sendUpload(client: SignedIn, upload: Upload): Promise<string[]> {
  const failed: string[] = [];
  for (const image of upload.images) {
    const put = await fetch(`${client.baseUrl}/api/images/${image.sha256}`, {
      method: 'PUT',
      headers: { ...client.headers, 'content-type': 'image/jpeg' },
      body: Buffer.from(image.bytes),
    });
    await put.arrayBuffer();
    if (put.status !== 200 && put.status !== 201) failed.push(`PUT image ${put.status}`);
  }
  const answer = await fetch(`${client.baseUrl}/api/audits`, {
    method: 'POST',
    headers: { ...client.headers, 'content-type': 'application/json' },
    body: upload.envelope,
  });
  const text = await answer.text();
  if (answer.status !== 201) failed.push(`POST audit ${answer.status} ${text.slice(0, 200)}`);
  return failed;
}

/** Every client sends its list one upload after another, all clients at once. */
export async function runUploads(clients: readonly SignedIn[], perClient: readonly (readonly Upload[])[]): Promise<UploadRun> {
  const latencies: number[] = [];
  const failed: string[] = [];
  const started = performance.now();
  await Promise.all(
    clients.map(async (client, c) => {
      for (const next of perClient[c] ?? []) {
        const t0 = performance.now();
        failed.push(...(await sendUpload(client, next)));
        latencies.push(performance.now() - t0);
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  const count = perClient.reduce((n, list) => n + list.length, 0);
  return { perSecond: count / seconds, p50: percentile(latencies, 50), p99: percentile(latencies, 99), failed };
}
