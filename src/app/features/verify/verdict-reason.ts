import type { SheetVerdict } from '../../../domain/wire';

/**
 * Why a sheet is not exactly the sealed one, as a reader can act on it. The check's own message (English,
 * shared with `ducha verify`) is shown under it as the detail; this names the kind of change in the reader's
 * language. Keys of verify.reason in the catalogues.
 */
export type VerdictReason =
  | 'appended'
  | 'pages'
  | 'seal'
  | 'rubric'
  | 'score'
  | 'photo'
  | 'signature'
  | 'record'
  | 'other';

/** The findings are the seal check's (what differs in the sealed data); the message the page comparison's. */
export function reasonsOf(verdict: Pick<SheetVerdict, 'sheet' | 'message' | 'findings'>): VerdictReason[] {
  if (verdict.sheet !== 'tampered') return [];
  const reasons = new Set<VerdictReason>();
  for (const { what } of verdict.findings)
    if (what === 'seal' || what === 'rubric' || what === 'score' || what === 'photo' || what === 'signature') reasons.add(what);
  if (reasons.size > 0) return [...reasons];
  const { message } = verdict;
  if (message.startsWith('appended:')) return ['appended'];
  if (message.startsWith('pages:') || /^(the sheet has|pages? \d)/.test(message)) return ['pages'];
  if (message.startsWith('seal:')) return ['seal'];
  if (message.includes('renderer record')) return ['record'];
  return ['other'];
}

/** What the QR code said (the page's ?audit=&seal=) held against what the file's seal says. */
export interface ExpectedFromQr {
  readonly auditId: string | undefined;
  readonly sealHash: string | undefined;
}

export type QrComparison = 'none' | 'same' | 'different';

export function compareWithQr(expected: ExpectedFromQr, record: SheetVerdict['record']): QrComparison {
  if (expected.auditId === undefined && expected.sealHash === undefined) return 'none';
  if (record === null) return 'different';
  const auditMatches = expected.auditId === undefined || expected.auditId === record.auditId;
  const sealMatches = expected.sealHash === undefined || expected.sealHash === record.sealHash;
  return auditMatches && sealMatches ? 'same' : 'different';
}
