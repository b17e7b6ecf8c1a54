import {
  enrolKey,
  findKey,
  formatIssue,
  parseRubric,
  readDeviceKeyFile,
  reconsiderHeld,
  revokeKey,
  rubricFingerprint,
  shortKeyId,
  type IntakeReport,
} from '../../domain/head-office';
import { nodeVerifier } from '../../crypto/node-verifier';
import { FileStore } from '../file-store';
import { readJsonFile, type CliIo } from '../io';
import { printIntakeReport, signerText } from './bundle';

const now = () => new Date().toISOString();

function printReleased(store: FileStore, report: IntakeReport, io: CliIo, keys: Awaited<ReturnType<FileStore['keys']>>): void {
  printIntakeReport('held', { ...report, held: [] }, keys, io);
  io.out(`${report.accepted.length} held audits now stored, ${report.held.length} still held (${store.dir})`);
}

/**
 * `ducha keys add <file.ducha-key> --fingerprint "abcd ef01 2345 6789" [--label …] [--auditor …]`:
 * the deliberate act that makes a tablet's seals count. The fingerprint must be read off the tablet
 * (设置), so a key file swapped on its way to head office is caught.
 */
export async function keysAddCommand(
  file: string | undefined,
  options: { store: string; fingerprint?: string | undefined; label?: string | undefined; auditor?: string | undefined },
  io: CliIo,
): Promise<number> {
  if (file === undefined) {
    io.err('keys add: name a key file, e.g. ducha keys add tablet-3.ducha-key --fingerprint "abcd ef01 2345 6789"');
    return 1;
  }
  const json = await readJsonFile(file);
  if (!json.ok) {
    for (const issue of json.issues) io.err(`${file}: ${formatIssue(issue)}`);
    return 1;
  }
  const content = await readDeviceKeyFile(json.value, nodeVerifier);
  if (!content.ok) {
    for (const issue of content.issues) io.err(`${file}: not a valid Ducha key file: ${formatIssue(issue)}`);
    return 1;
  }
  if (options.fingerprint === undefined) {
    io.err(
      `${file}: key ${content.value.fingerprint} of ${content.value.file.deviceLabel} (${content.value.file.auditor}). ` +
        'Compare this fingerprint with the one on the tablet (设置 → 本机签名密钥) and run again with --fingerprint "<what the tablet shows>".',
    );
    return 1;
  }
  const store = new FileStore(options.store);
  const keys = await store.keys();
  const enrolled = enrolKey(keys, content.value, {
    fingerprint: options.fingerprint,
    at: now(),
    ...(options.label ? { deviceLabel: options.label } : {}),
    ...(options.auditor ? { auditor: options.auditor } : {}),
  });
  if (!enrolled.ok) {
    for (const issue of enrolled.issues) io.err(`${file}: ${issue.message}`);
    return 1;
  }
  const updated = [...keys, enrolled.value];
  await store.saveKeys(updated);
  io.out(`enrolled ${shortKeyId(enrolled.value.keyId)}: ${enrolled.value.deviceLabel} / ${enrolled.value.auditor}`);
  printReleased(store, await reconsiderHeld(store, nodeVerifier, { now }), io, updated);
  return 0;
}

export async function keysListCommand(options: { store: string }, io: CliIo): Promise<number> {
  const store = new FileStore(options.store);
  const keys = await store.keys();
  const held = await store.held();
  if (keys.length === 0) io.out('no keys enrolled');
  for (const k of keys) {
    io.out(
      `${shortKeyId(k.keyId)}  ${k.deviceLabel}  ${k.auditor}  enrolled ${k.enrolledAt}${k.revokedAt ? `  REVOKED ${k.revokedAt}${k.revokedReason ? ` (${k.revokedReason})` : ''}` : ''}`,
    );
  }
  const unknown = new Map<string, number>();
  for (const h of held) if (h.reason === 'unknown-key') unknown.set(h.signer, (unknown.get(h.signer) ?? 0) + 1);
  for (const [signer, count] of unknown)
    io.out(`${shortKeyId(signer)}  not enrolled  ${count} audit(s) held as 待确认签名`);
  return 0;
}

export async function keysRevokeCommand(
  fingerprint: string | undefined,
  options: { store: string; reason?: string | undefined },
  io: CliIo,
): Promise<number> {
  if (fingerprint === undefined) {
    io.err('keys revoke: name the key, e.g. ducha keys revoke "abcd ef01 2345 6789" --reason "tablet lost"');
    return 1;
  }
  const store = new FileStore(options.store);
  const keys = await store.keys();
  const key = findKey(keys, fingerprint);
  if (!key.ok) {
    for (const issue of key.issues) io.err(`keys revoke: ${issue.message}`);
    return 1;
  }
  const revoked = revokeKey(key.value, now(), options.reason);
  if (!revoked.ok) {
    for (const issue of revoked.issues) io.err(`keys revoke: ${issue.message}`);
    return 1;
  }
  await store.saveKeys(keys.map((k) => (k.keyId === revoked.value.keyId ? revoked.value : k)));
  io.out(`revoked ${signerText(revoked.value.keyId, [revoked.value])}: audits it seals from now on are refused`);
  return 0;
}

/** `ducha rubrics accept <rubric.json>`: a rubric version head office vouches for, beyond the shipped ones. */
export async function rubricsAcceptCommand(file: string | undefined, options: { store: string }, io: CliIo): Promise<number> {
  if (file === undefined) {
    io.err('rubrics accept: name a rubric file');
    return 1;
  }
  const json = await readJsonFile(file);
  const rubric = json.ok ? parseRubric(json.value) : json;
  if (!rubric.ok) {
    for (const issue of rubric.issues) io.err(`${file}: ${formatIssue(issue)}`);
    return 1;
  }
  const store = new FileStore(options.store);
  const fingerprint = rubricFingerprint(rubric.value);
  const isNew = await store.acceptRubric(fingerprint, rubric.value.id, now());
  io.out(`${file}: ${rubric.value.id} ${fingerprint} ${isNew ? 'accepted' : 'already known'}`);
  printReleased(store, await reconsiderHeld(store, nodeVerifier, { now }), io, await store.keys());
  return 0;
}

/** `ducha held`: what waits aside and why, and every conflict with both sides. */
export async function heldCommand(options: { store: string }, io: CliIo): Promise<number> {
  const store = new FileStore(options.store);
  const keys = await store.keys();
  const held = await store.held();
  for (const h of held)
    io.out(`held ${h.auditId} ${h.reason}: ${h.message}; signed by ${signerText(h.signer, keys)}; from ${h.source}`);
  const conflicts = await store.conflicts();
  for (const c of conflicts)
    io.out(
      `conflict ${c.auditId} (${c.siteName}) r${c.revision}: ${c.message}; kept ${c.existing.hash.slice(0, 16)}, refused ${c.incomingHash.slice(0, 16)} by ${signerText(c.incomingSigner, keys)}; from ${c.source} at ${c.at}`,
    );
  io.out(`${held.length} held, ${conflicts.length} conflicts`);
  return 0;
}
