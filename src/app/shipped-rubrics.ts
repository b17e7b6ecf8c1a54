import { shippedRubrics, type ShippedRubricEntry } from 'virtual:shipped-rubrics';
import type { Rubric } from '../domain/index';
import type { TrustedRubrics } from '../storage/audit-store';

export { shippedRubrics, type ShippedRubricEntry };

/**
 * The rubrics bundled with the app, checked by parseRubric and fingerprinted when the app was built
 * (build-plugins/shipped-rubrics.ts), so the store uses these copies instead of parsing stored ones.
 */
export const trustedRubrics: TrustedRubrics = new Map(
  shippedRubrics.map((entry) => [entry.fingerprint, entry.load]),
);

const loaded = new Map<string, Rubric>();

/** Fetches every shipped rubric (each is a chunk of its own); the new-audit screen opens once they are here. */
export async function loadShippedRubrics(): Promise<void> {
  await Promise.all(
    shippedRubrics.map(async (entry) => {
      loaded.set(entry.fingerprint, await entry.load());
    }),
  );
}

/** The shipped rubrics loadShippedRubrics() has fetched, in file order. */
export const loadedShippedRubrics = (): Rubric[] =>
  shippedRubrics.flatMap((entry) => {
    const rubric = loaded.get(entry.fingerprint);
    return rubric ? [rubric] : [];
  });

/** The same, each with the fingerprint the build computed (the new-audit picker compares it with published ones). */
export const loadedShippedRubricEntries = (): { rubric: Rubric; fingerprint: string }[] =>
  shippedRubrics.flatMap((entry) => {
    const rubric = loaded.get(entry.fingerprint);
    return rubric ? [{ rubric, fingerprint: entry.fingerprint }] : [];
  });
