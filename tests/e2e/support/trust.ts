import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'vitest';
import type { Page } from 'playwright-core';
import {
  keyFingerprint,
  makeDeviceKeyFile,
  sealAudit,
  toBase64Url,
  type Audit,
  type Bundle,
  type Rubric,
  type SealedEnvelope,
  type SealSigner,
} from '../../../src/domain/head-office';
import { imagesOf } from '../../support/sealed-audit';
import { eventually, text } from './pages';

/** A file in a fresh temporary directory, for the file pickers. */
export function writeTemp(name: string, content: unknown): string {
  const path = join(mkdtempSync(join(tmpdir(), 'ducha-e2e-file-')), name);
  writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content));
  return path;
}

/** A bundle entry sealed by a chosen key (a tablet seals everything with its one key). */
export async function sealedEntry(
  signer: SealSigner,
  rubric: Rubric,
  audit: Audit,
  options: { previousHash?: string; sealedAt?: string } = {},
): Promise<{ envelope: SealedEnvelope; entry: Bundle['audits'][number] }> {
  const images = imagesOf();
  const blobs = new Map([...images].map(([id, bytes]) => [id, { bytes, type: 'image/jpeg' }]));
  const result = await sealAudit(
    {
      audit,
      rubric,
      blobs,
      sealedAt: options.sealedAt ?? '2026-11-24T02:30:00.000Z',
      ...(options.previousHash ? { previousHash: options.previousHash } : {}),
    },
    signer,
  );
  if (!result.ok) throw new Error(JSON.stringify(result.issues));
  const envelope = result.value;
  return {
    envelope,
    entry: {
      envelope,
      blobs: envelope.payload.blobs.map((b) => {
        const bytes = images.get(b.id);
        if (!bytes) throw new Error(`no image ${b.id}`);
        return { id: b.id, type: b.type, base64url: toBase64Url(bytes) };
      }),
    },
  };
}

export const bundleOf = (audits: readonly Bundle['audits'][number][]) => ({
  format: 'ducha.bundle',
  version: 1,
  createdAt: '2026-11-25T08:00:00.000Z',
  audits,
});

/** The `.ducha-key` file a tablet's 设置 screen would export for this key. */
export async function writeKeyFile(
  signer: SealSigner,
  deviceLabel: string,
  auditor: string,
): Promise<string> {
  const file = await makeDeviceKeyFile(signer, {
    deviceLabel,
    auditor,
    createdAt: '2026-11-01T00:00:00.000Z',
  });
  if (!file.ok) throw new Error(JSON.stringify(file.issues));
  return writeTemp(`${deviceLabel}.ducha-key`, file.value);
}

/**
 * Enrols a key file through the 签名密钥 panel the way an admin does: choose the file, check what it says,
 * type the fingerprint the tablet shows, confirm. Returns the panel's status line.
 */
export async function enrolThroughPanel(
  page: Page,
  keyFilePath: string,
  fingerprint: string,
): Promise<string> {
  await page.getByTestId('key-file').setInputFiles(keyFilePath);
  const candidate = page.getByTestId('key-candidate');
  await candidate.waitFor();
  expect(await text(candidate.getByTestId('candidate-fingerprint'))).toBe(fingerprint);
  const enrol = page.getByTestId('enrol-key');
  expect(await enrol.isDisabled()).toBe(true);
  await page.getByTestId('confirm-fingerprint').fill(fingerprint);
  await eventually(async () => {
    expect(await enrol.isEnabled()).toBe(true);
  });
  await enrol.click();
  // The form closes once the key is in the register; the status line then says what changed.
  await candidate.waitFor({ state: 'detached' });
  return text(page.getByTestId('keys-status'));
}

export const fingerprintOf = (signer: SealSigner): string => keyFingerprint(signer.publicKey);
