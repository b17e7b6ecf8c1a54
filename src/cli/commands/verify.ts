import { readFile } from 'node:fs/promises';
import {
  keyId,
  type EnrolledKey,
  fromHundredths,
  fromTenths,
  keyFingerprint,
  type SealedEnvelope,
} from '../../domain/index';
import type { Signer } from '../../domain/wire';
import { DEFAULT_SHEET_TIME_ZONE, zonedDateTime } from '../../report/sheet-time';
import { checkSheet } from '../../verify/check-sheet';
import { signerStatus } from '../../verify/signer-status';
import type { CliIo } from '../io';

/** 3 is neither valid nor tampered: this verifier cannot re-make the sheet, so it proves nothing either way. */
export const EXIT = { valid: 0, tampered: 1, unsigned: 2, cannotCheck: 3 } as const;

export interface VerifyOptions {
  /**
   * Head office's answer to who signed (`--server`, `--data-dir`). When given, only an enrolled signer
   * makes a sheet valid: an unknown key is "intact, signer not enrolled" (exit 3), a key revoked before
   * the seal was made is refused (exit 1). A seal proves only that *some* key signed.
   */
  readonly signers?: SignerSource;
  /** A key register in memory, used as `signers` is. */
  readonly register?: readonly EnrolledKey[];
  /** No signer source is a verdict of its own (exit 3, saying how to ask head office): what the CLI wants. */
  readonly requireSigner?: boolean;
  /** More font files (TTF or TTC) to look for the recorded fonts in, besides the bundled subset and wqy. */
  readonly fontFiles?: readonly string[];
  /**
   * Who holds a signing key, from a key register (e.g. "设备 平板3 · 王小明"); undefined when the key is not
   * enrolled. Without it the fingerprint is printed as not checked against any register.
   */
  readonly describeSigner?: (
    fingerprint: string,
    envelope: SealedEnvelope,
  ) => string | undefined | Promise<string | undefined>;
}

/**
 * What the seal says, line by line, for a reader to hold against the paper. `signer` is how a key
 * register names the key, when one was consulted; times are shown in the zone the sheet prints them in.
 */
export function sealedValues(
  envelope: SealedEnvelope,
  signer?: string,
  timeZone = DEFAULT_SHEET_TIME_ZONE,
): string[] {
  const { payload, hash } = envelope;
  const { audit, rubric, score } = payload;
  const percent = score.percentTenths === null ? '—' : `${fromTenths(score.percentTenths).toFixed(1)}%`;
  const revision = [
    String(audit.revision),
    audit.amendReason ? `amended: ${audit.amendReason}` : '',
    payload.previousHash ? `corrects seal ${payload.previousHash}` : '',
  ].filter((s) => s !== '');
  const rows: [string, string][] = [
    ['site 被考核单位', audit.site.code ? `${audit.site.name} (code ${audit.site.code})` : audit.site.name],
    ['考核时间', `${zonedDateTime(audit.auditedAt, timeZone)} = ${audit.auditedAt}`],
    ['auditor 考核人', audit.auditor],
    ['revision 修订', revision.join(' — ')],
    [
      'signer key',
      `${keyFingerprint(payload.publicKey)} — ${signer ?? 'not checked against a key register'}`,
    ],
    ['sealed at', `${zonedDateTime(payload.sealedAt, timeZone)} = ${payload.sealedAt}`],
    [
      'score 合计',
      `${String(fromHundredths(score.earnedH))} / ${String(fromHundredths(score.possibleH))} (${percent})`,
    ],
    ['rubric', `${rubric.id} ${audit.rubricFingerprint}`],
    ['seal hash', hash],
  ];
  const width = Math.max(...rows.map(([label]) => displayWidth(label)));
  return rows.map(([label, value]) => `  ${label}${' '.repeat(width - displayWidth(label))}  ${value}`);
}

/** Columns a label takes in a terminal: CJK characters are two wide. */
const displayWidth = (text: string): number =>
  Array.from(text).reduce((n, ch) => n + ((ch.codePointAt(0) ?? 0) > 0x2e80 ? 2 : 1), 0);

/** Where `ducha verify` learns who a key belongs to: head office (`--server`, `--data-dir`) or a given register. */
export type SignerSource = (envelope: SealedEnvelope) => Promise<{ ok: true; signer: Signer } | { ok: false; message: string }>;

/** A register held in memory (tests, or one read from the server's database) as a signer source. */
export const registerSource =
  (register: readonly EnrolledKey[]): SignerSource =>
  (envelope) => {
    const id = keyId(envelope.payload.publicKey);
    return Promise.resolve({ ok: true, signer: signerStatus(register.find((k) => k.keyId === id), envelope) });
  };

const UNKNOWN_SIGNER_HINT =
  'name head office to learn who signed: --server <its URL> (or DUCHA_SERVER), or --data-dir <its data dir> / DATABASE_URL on the server itself';

/**
 * `ducha verify <file.pdf>`: valid (0) only when re-making the sheet from its embedded seal, images and
 * recorded fonts gives this file byte for byte; tampered (1, saying what); unsigned (2); cannot check (3).
 */
export async function verifyCommand(
  file: string | undefined,
  io: CliIo,
  options: VerifyOptions = {},
): Promise<number> {
  if (file === undefined) {
    io.err('verify: name a PDF, e.g. ducha verify sheet.pdf');
    return EXIT.tampered;
  }
  let pdf: Uint8Array;
  try {
    pdf = new Uint8Array(await readFile(file));
  } catch {
    io.err(`${file}: file not found`);
    return EXIT.tampered;
  }
  const check = await checkSheet(pdf, { fontFiles: options.fontFiles ?? [] });
  switch (check.kind) {
    case 'unsigned':
      io.out(`${file}: unsigned — ${check.message}`);
      return EXIT.unsigned;
    case 'tampered':
      io.out(`${file}: tampered — ${check.message}`);
      for (const f of check.findings) io.out(`  ${f.what}: ${f.message}`);
      return EXIT.tampered;
    case 'cannot-check':
      io.out(`${file}: cannot check — ${check.message}`);
      return EXIT.cannotCheck;
    case 'intact':
      break;
  }
  const { envelope, rendererVersion: version, timeZone } = check;
  const fingerprint = keyFingerprint(envelope.payload.publicKey);
  const pages = `the pages show exactly what the seal says (re-made byte for byte by renderer version ${String(version)})`;
  const source = options.signers ?? (options.register ? registerSource(options.register) : undefined);
  if (source) {
    const looked = await source(envelope);
    if (!looked.ok) {
      io.out(`${file}: intact, signer unknown — ${pages}, but head office could not be asked who key ${fingerprint} belongs to: ${looked.message}`);
      for (const line of sealedValues(envelope, 'NOT CHECKED', timeZone)) io.out(line);
      return EXIT.cannotCheck;
    }
    const { signer } = looked;
    if (signer.status === 'not-enrolled') {
      io.out(
        `${file}: intact, signer not enrolled (待确认签名) — ${pages}, but key ${fingerprint} is not in the key register: a seal proves only that this key signed. Enrol the tablet's key on the server (the tablet enrols itself when its auditor signs in, or \`ducha server keys add\`) after comparing its fingerprint.`,
      );
      for (const line of sealedValues(envelope, 'NOT ENROLLED', timeZone)) io.out(line);
      return EXIT.cannotCheck;
    }
    if (signer.status === 'revoked') {
      io.out(
        `${file}: refused — sealed on ${envelope.payload.sealedAt} by key ${fingerprint} (${signer.deviceLabel} / ${signer.auditor}), which was revoked on ${signer.revokedAt}`,
      );
      return EXIT.tampered;
    }
    io.out(`${file}: valid — ${pages}`);
    const label = `${signer.deviceLabel} / ${signer.auditor} (enrolled ${signer.enrolledAt}${signer.revokedAt ? `, revoked ${signer.revokedAt}` : ''})`;
    for (const line of sealedValues(envelope, label, timeZone)) io.out(line);
    return EXIT.valid;
  }
  if (options.requireSigner) {
    io.out(`${file}: intact, signer unknown — ${pages}; key ${fingerprint} was not checked against a key register: ${UNKNOWN_SIGNER_HINT}`);
    for (const line of sealedValues(envelope, 'NOT CHECKED', timeZone)) io.out(line);
    return EXIT.cannotCheck;
  }
  const signer = await options.describeSigner?.(fingerprint, envelope);
  io.out(`${file}: valid — ${pages}`);
  for (const line of sealedValues(envelope, signer, timeZone)) io.out(line);
  return EXIT.valid;
}
