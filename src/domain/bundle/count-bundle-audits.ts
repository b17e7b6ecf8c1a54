import { strFromU8 } from 'fflate';
import { z } from 'zod';
import { detectBundleFormat, type BundleLimits } from './read-bundle';
import { readZipDirectory, readZipEntry, type ByteSource } from './zip-reader';

/** Just the count: any member beyond `audits` is checked by readBundle. */
const listedAuditsSchema = z.object({ audits: z.array(z.unknown()) });

/**
 * How many audits a bundle offers, read without checking any of them: format 2's manifest list, format 1's
 * `audits` array. It bounds what readBundle can take in (an entry the manifest does not list is refused, never
 * taken), so a receiver can refuse an over-quota bundle before paying for its signatures. Undefined when the
 * file is not a readable bundle: readBundle then says why.
 */
export async function countBundleAudits(source: ByteSource, limits: BundleLimits): Promise<number | undefined> {
  const format = detectBundleFormat(await source.read(0, Math.min(source.size, 64)));
  let json: unknown;
  try {
    if (format === 'json') json = JSON.parse(strFromU8(await source.read(0, source.size)).replace(/^\uFEFF/, ''));
    if (format === 'zip') {
      const directory = await readZipDirectory(source, limits);
      if (!directory.ok) return undefined;
      const manifests = directory.value.filter((entry) => entry.name === 'manifest.json');
      const [manifest] = manifests;
      if (!manifest || manifests.length > 1) return undefined;
      const bytes = await readZipEntry(source, manifest, limits);
      if (!bytes.ok) return undefined;
      json = JSON.parse(strFromU8(bytes.value));
    }
  } catch {
    return undefined;
  }
  const listed = listedAuditsSchema.safeParse(json);
  return listed.success ? listed.data.audits.length : undefined;
}
