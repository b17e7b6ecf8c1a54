import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { sha256Hex, type SealedEnvelope } from '../../../domain/index';
import { nodeSigner, photoBlue } from '../../../../tests/support/sealed-audit';
import { freshAudit, seal } from '../../../../tests/server/support/uploads';
import { imagesOf } from '../../../../tests/support/sealed-audit';
import { fetchVerifiedSealedAudit } from './fetch-sealed-audit';

/** A server that answers the envelope and image paths from these maps, and records what was asked. */
function serve(envelope: unknown, images: ReadonlyMap<string, Uint8Array>, asked: string[]): void {
  vi.stubGlobal('fetch', (url: string) => {
    asked.push(url);
    if (url.endsWith('/envelope')) return Promise.resolve(new Response(JSON.stringify(envelope), { headers: { 'content-type': 'application/json' } }));
    const sha = url.split('/').at(-1) ?? '';
    const bytes = images.get(sha);
    return Promise.resolve(bytes ? new Response(Uint8Array.from(bytes)) : new Response('{}', { status: 404 }));
  });
}

const whyNot = (got: Awaited<ReturnType<typeof fetchVerifiedSealedAudit>>): string => ('notVerified' in got ? got.notVerified : 'verified');

const bySha = (images: ReadonlyMap<string, Uint8Array>) => new Map([...images.values()].map((bytes) => [sha256Hex(bytes), bytes]));

describe('a received audit is drawn only from a seal that verifies, with every image it names', () => {
  let envelope: SealedEnvelope;
  const audit = freshAudit({ site: '碧桂园凤凰城管理处' });
  beforeAll(async () => {
    envelope = await seal(audit, await nodeSigner());
  });
  afterEach(() => {
    vi.unstubAllGlobals();
  });

  it('gives the envelope and the images by id when the seal and every image verify, fetching each image once', async () => {
    const asked: string[] = [];
    serve(envelope, bySha(imagesOf()), asked);
    const got = await fetchVerifiedSealedAudit('https://ducha.example', audit.id);
    if (!got.ok) throw new Error(JSON.stringify(got));
    expect(got.source.envelope.payload.audit.site.name).toBe('碧桂园凤凰城管理处');
    expect([...got.source.images.keys()].sort()).toEqual(['photo-1', 'sig-auditor', 'sig-manager']);
    expect(asked[0]).toBe(`https://ducha.example/api/audits/${audit.id}/envelope`);
    expect(asked).toHaveLength(4);
  });

  it('refuses an envelope whose score was changed after sealing', async () => {
    serve({ ...envelope, payload: { ...envelope.payload, score: { ...envelope.payload.score, earnedH: envelope.payload.score.earnedH + 100 } } }, bySha(imagesOf()), []);
    const got = await fetchVerifiedSealedAudit('https://ducha.example', audit.id);
    expect(whyNot(got)).toContain('seal: the sealed content does not match its hash');
  });

  it('refuses an image that is not the sealed one', async () => {
    const swapped = new Map(bySha(imagesOf()));
    const photo = envelope.payload.blobs.find((b) => b.id === 'photo-1');
    if (!photo) throw new Error('photo-1');
    swapped.set(photo.sha256, photoBlue);
    serve(envelope, swapped, []);
    const got = await fetchVerifiedSealedAudit('https://ducha.example', audit.id);
    expect(whyNot(got)).toMatch(/^photo: photo photo-1 \(unit [^)]+\) differs from the sealed one$/);
  });

  it('refuses another audit’s envelope sent in place of the one asked for', async () => {
    serve(envelope, bySha(imagesOf()), []);
    const other = '00000000-0000-4000-8000-000000000000';
    const got = await fetchVerifiedSealedAudit('https://ducha.example', other);
    expect(got).toEqual({ ok: false, notVerified: `the server sent audit ${audit.id}, not ${other}` });
  });

  it('says offline when no answer came, and passes the server’s refusal on', async () => {
    vi.stubGlobal('fetch', () => Promise.reject(new TypeError('Failed to fetch')));
    expect(await fetchVerifiedSealedAudit('', audit.id)).toMatchObject({ ok: false, failure: { kind: 'offline', message: 'Failed to fetch' } });
    vi.stubGlobal('fetch', () =>
      Promise.resolve(
        new Response(JSON.stringify({ error: { code: 'forbidden', message: 'not of a site you manage' } }), {
          status: 403,
          headers: { 'content-type': 'application/json' },
        }),
      ),
    );
    expect(await fetchVerifiedSealedAudit('', audit.id)).toMatchObject({ ok: false, failure: { kind: 'http', status: 403 } });
  });
});
