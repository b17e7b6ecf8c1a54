import { useState, type DragEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { useSearchParams } from 'react-router';
import { sheetVerdictSchema, type SealedRecord, type SheetVerdict, type Signer } from '../../../domain/wire';
import { formatPercent, formatPoints } from '../../format';
import { callApi } from '../../server/api-client';
import { compareWithQr, reasonsOf, type ExpectedFromQr } from './verdict-reason';

type CheckState =
  | { kind: 'idle' }
  | { kind: 'checking'; fileName: string }
  | { kind: 'done'; fileName: string; verdict: SheetVerdict }
  | { kind: 'failed'; fileName: string; message: string };

const VERDICT_CLASS: Readonly<Record<SheetVerdict['sheet'], string>> = {
  intact: 'banner banner--info verify-verdict',
  tampered: 'banner banner--error verify-verdict',
  unsigned: 'banner banner--warn verify-verdict',
  'cannot-check': 'banner banner--warn verify-verdict',
};

/** A time as the sheet prints it: in the zone recorded beside the seal, named. */
function zonedTime(iso: string, zone: string | null, language: string): string {
  const options: Intl.DateTimeFormatOptions = { dateStyle: 'medium', timeStyle: 'short' };
  return new Intl.DateTimeFormat(language, zone === null ? options : { ...options, timeZone: zone }).format(new Date(iso));
}

/**
 * The page a sheet's QR code and footer name: anyone with the PDF (no sign-in) sends it to head office, which
 * re-makes the sheet from its seal and compares; this shows the answer. Nothing here checks anything itself.
 */
export function VerifyPage() {
  const { t } = useTranslation();
  const [params] = useSearchParams();
  const expected: ExpectedFromQr = { auditId: params.get('audit') ?? undefined, sealHash: params.get('seal') ?? undefined };
  const [state, setState] = useState<CheckState>({ kind: 'idle' });
  const [isDragging, setDragging] = useState(false);

  const check = async (file: File) => {
    setState({ kind: 'checking', fileName: file.name });
    const answer = await callApi('', {
      method: 'POST',
      path: '/api/verify',
      body: { bytes: file, contentType: 'application/pdf' },
      schema: sheetVerdictSchema,
    });
    if (answer.ok) setState({ kind: 'done', fileName: file.name, verdict: answer.value });
    else if (answer.kind === 'offline') setState({ kind: 'failed', fileName: file.name, message: t('verify.needsServer', { detail: answer.message }) });
    else if (answer.kind === 'http' && answer.status === 422) setState({ kind: 'failed', fileName: file.name, message: t('verify.notPdf') });
    else
      setState({
        kind: 'failed',
        fileName: file.name,
        message: t('verify.failed', {
          detail: answer.kind === 'http' ? (answer.error?.error.message ?? `HTTP ${String(answer.status)}`) : answer.message,
        }),
      });
  };
  const onDrop = (event: DragEvent<HTMLElement>) => {
    event.preventDefault();
    setDragging(false);
    const file = event.dataTransfer.files.item(0);
    if (file !== null) void check(file);
  };

  return (
    <section className="verify-page" aria-labelledby="verify-title">
      <h1 id="verify-title">{t('verify.title')}</h1>
      <p className="subtitle">{t('verify.intro')}</p>
      {(expected.auditId !== undefined || expected.sealHash !== undefined) && (
        <section aria-labelledby="verify-expected" data-testid="verify-expected">
          <h2 id="verify-expected">{t('verify.expectedTitle')}</h2>
          <dl className="verify-facts">
            {expected.auditId !== undefined && (
              <>
                <dt>{t('verify.expectedAudit')}</dt>
                <dd className="verify-code">{expected.auditId}</dd>
              </>
            )}
            {expected.sealHash !== undefined && (
              <>
                <dt>{t('verify.expectedSeal')}</dt>
                <dd className="verify-code">{expected.sealHash}</dd>
              </>
            )}
          </dl>
        </section>
      )}
      <div
        className={`verify-drop${isDragging ? ' verify-drop--active' : ''}`}
        onDragOver={(event) => {
          event.preventDefault();
          setDragging(true);
        }}
        onDragLeave={() => {
          setDragging(false);
        }}
        onDrop={onDrop}
        data-testid="verify-drop"
      >
        <label htmlFor="verify-file" className="button">
          {t('verify.choose')}
        </label>
        <input
          id="verify-file"
          className="verify-file"
          type="file"
          accept="application/pdf,.pdf"
          data-testid="verify-file"
          onChange={(event) => {
            const file = event.currentTarget.files?.item(0);
            if (file) void check(file);
            // The same file chosen again (after a failure) must be checked again.
            event.currentTarget.value = '';
          }}
        />
        <p>{t('verify.drop')}</p>
      </div>
      <div aria-live="polite">
        {state.kind === 'checking' && <p role="status">{t('verify.checking')}</p>}
        {state.kind === 'failed' && (
          <p className="banner banner--warn" role="alert" data-testid="verify-error">
            {state.message}
          </p>
        )}
        {state.kind === 'done' && <Verdict fileName={state.fileName} verdict={state.verdict} expected={expected} />}
      </div>
    </section>
  );
}

function Verdict({ fileName, verdict, expected }: { fileName: string; verdict: SheetVerdict; expected: ExpectedFromQr }) {
  const { t } = useTranslation();
  const headline = {
    intact: t('verify.intact'),
    tampered: t('verify.tampered'),
    unsigned: t('verify.unsigned'),
    'cannot-check': t('verify.cannotCheck'),
  }[verdict.sheet];
  const qr = compareWithQr(expected, verdict.record);
  return (
    <section aria-labelledby="verify-result" data-testid="verify-result" data-sheet={verdict.sheet}>
      <h2 id="verify-result">{t('verify.resultTitle')}</h2>
      <p className="verify-file-name">{t('verify.fileName', { name: fileName })}</p>
      <div className={VERDICT_CLASS[verdict.sheet]} data-testid="verify-verdict">
        <p>
          <strong>{headline}</strong>
        </p>
        {reasonsOf(verdict).map((reason) => (
          <p key={reason} data-testid="verify-reason">
            {t(`verify.reason.${reason}`)}
          </p>
        ))}
        {verdict.sheet !== 'intact' && verdict.message !== '' && (
          <p className="verify-detail" lang="en" data-testid="verify-detail">
            {t('verify.detail', { detail: verdict.message })}
          </p>
        )}
      </div>
      {qr !== 'none' && (
        <p className={qr === 'same' ? 'banner banner--info' : 'banner banner--error'} data-testid="verify-qr" data-qr={qr}>
          {qr === 'same' ? t('verify.qrSame') : t('verify.qrDifferent')}
        </p>
      )}
      {verdict.record !== null && <RecordFacts record={verdict.record} />}
      {verdict.record !== null && <SignerFacts signer={verdict.signer} isIntact={verdict.sheet === 'intact'} />}
    </section>
  );
}

function RecordFacts({ record }: { record: SealedRecord }) {
  const { t, i18n } = useTranslation();
  const zone = record.timeZone === null ? '' : t('verify.inZone', { zone: record.timeZone });
  return (
    <section aria-labelledby="verify-record" data-testid="verify-record">
      <h3 id="verify-record">{t('verify.recordTitle')}</h3>
      <dl className="verify-facts">
        <dt>{t('verify.site')}</dt>
        <dd data-testid="verify-site">{record.siteCode === null ? record.site : `${record.site}（${record.siteCode}）`}</dd>
        <dt>{t('verify.auditedAt')}</dt>
        <dd>
          {zonedTime(record.auditedAt, record.timeZone, i18n.language)}
          {zone}
        </dd>
        <dt>{t('verify.auditor')}</dt>
        <dd data-testid="verify-auditor">{record.auditor}</dd>
        <dt>{t('verify.revision')}</dt>
        <dd>{record.revision}</dd>
        {record.amendReason !== null && (
          <>
            <dt>{t('verify.amendReason')}</dt>
            <dd>{record.amendReason}</dd>
          </>
        )}
        <dt>{t('verify.score')}</dt>
        <dd data-testid="verify-score">
          {t('verify.scoreValue', {
            earned: formatPoints(record.earnedH),
            possible: formatPoints(record.possibleH),
            percent: formatPercent(record.percentTenths),
          })}
        </dd>
        <dt>{t('verify.rubric')}</dt>
        <dd>
          {record.rubricId} {record.rubricTitle}
        </dd>
        <dt>{t('verify.sealedAt')}</dt>
        <dd>
          {zonedTime(record.sealedAt, record.timeZone, i18n.language)}
          {zone}
        </dd>
        <dt>{t('verify.sealHash')}</dt>
        <dd className="verify-code" data-testid="verify-seal-hash">
          {record.sealHash}
        </dd>
      </dl>
    </section>
  );
}

function SignerFacts({ signer, isIntact }: { signer: Signer | null; isIntact: boolean }) {
  const { t, i18n } = useTranslation();
  const when = (iso: string) => zonedTime(iso, null, i18n.language);
  let text: string;
  let isGood = false;
  // Head office names a signer only for a seal whose signature holds; a changed file is not taken as evidence.
  if (signer === null) text = isIntact ? t('verify.signerUnknown') : t('verify.signerNotFromThisFile');
  else if (signer.status === 'not-enrolled') text = t('verify.signerNotEnrolled');
  else if (signer.status === 'revoked')
    text = t('verify.signerRevoked', { device: signer.deviceLabel, auditor: signer.auditor });
  else {
    isGood = true;
    text = t('verify.signerEnrolled', { device: signer.deviceLabel, auditor: signer.auditor, enrolledAt: when(signer.enrolledAt) });
  }
  return (
    <section aria-labelledby="verify-signer" data-testid="verify-signer" data-status={signer?.status ?? 'unknown'}>
      <h3 id="verify-signer">{t('verify.signerTitle')}</h3>
      <p className={isGood ? 'banner banner--info' : 'banner banner--warn'}>{text}</p>
      {signer?.status === 'enrolled' && signer.revokedAt !== null && (
        <p>{t('verify.signerRevokedLater', { revokedAt: when(signer.revokedAt) })}</p>
      )}
      {signer !== null && <p className="verify-code">{t('verify.keyFingerprint', { fingerprint: signer.fingerprint })}</p>}
    </section>
  );
}
