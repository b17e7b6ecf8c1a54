import { useLiveQuery } from 'dexie-react-hooks';
import { useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { isSignatureComplete, type Signature, type SignerRole } from '../../../domain/index';
import { renderSignatureImage } from '../../components/signature/render-signature';
import { SignaturePad } from '../../components/signature/SignaturePad';
import { isEmptyStrokes, type Strokes } from '../../components/signature/strokes';
import { formatDateTime } from '../../format';
import { useObjectUrl } from '../../hooks/use-object-url';
import { SIGNER_NAME_MAX } from '../../../storage/audit-store';
import { StorageError } from '../../../storage/storage-error';
import { CharCount, tooLongBy } from '../../components/CharCount';
import { useSaveTracker } from '../../providers/save-tracker';
import { useStore } from '../../providers/store-provider';

function SignatureImage({ imageId, alt }: { imageId: string; alt: string }) {
  const store = useStore();
  const blob = useLiveQuery(() => store.getBlob(imageId), [store, imageId]);
  const url = useObjectUrl(blob);
  return url ? <img src={url} alt={alt} className="signature-image" data-testid="signature-image" /> : null;
}

interface SignatureBlockProps {
  readonly auditId: string;
  readonly role: SignerRole;
  readonly signature: Signature | undefined;
  readonly isEditable: boolean;
  /**
   * The name to start from when nothing is stored yet: the auditor signs as the audit's 考核人, so typing it
   * again is only a chance to mistype it. Shown, and stored with the signature once confirmed.
   */
  readonly suggestedName?: string | undefined;
}

/**
 * Name and handwriting for one signer. Strokes and name are stored as they are written (a reload keeps
 * a half-finished signature); confirming renders the image. Any later change un-confirms it.
 * The parent keys this block by the signature's confirmation, so local input restarts from what is stored.
 */
export function SignatureBlock({ auditId, role, signature, isEditable, suggestedName }: SignatureBlockProps) {
  const { t, i18n } = useTranslation();
  const store = useStore();
  const { track } = useSaveTracker();
  const nameId = useId();
  const roleName = t(`review.role.${role}`);
  const [name, setName] = useState(signature?.name ?? suggestedName ?? '');
  const [strokes, setStrokes] = useState<Strokes>(signature?.strokes ?? []);
  // Each message sits under the input it is about and goes as soon as that input is filled in.
  const [isNameMissing, setNameMissing] = useState(false);
  const [isPadEmpty, setPadEmpty] = useState(false);
  const isSigned = isSignatureComplete(signature);

  // Saved as typed (every keystroke is one small write, like the notes); a name past the limit is kept on
  // screen and refused with a reason (未保存, blocks 定稿) rather than cut.
  const saveDraft = (next: { name: string; strokes: Strokes }) =>
    void track(`signature:${auditId}:${role}`, () =>
      isEmptyStrokes(next.strokes) && next.name.trim() === ''
        ? store.clearSignature(auditId, role)
        : tooLongBy(next.name, SIGNER_NAME_MAX) > 0
          ? Promise.reject(
              new StorageError(
                'invalid',
                t('limits.tooLong', {
                  field: t('limits.signerName'),
                  max: SIGNER_NAME_MAX,
                  over: tooLongBy(next.name, SIGNER_NAME_MAX),
                }),
              ),
            )
          : store.saveSignatureDraft(auditId, role, next),
    );
  const nameOver = tooLongBy(name, SIGNER_NAME_MAX);

  const confirm = async () => {
    if (tooLongBy(name, SIGNER_NAME_MAX) > 0) return;
    const nameMissing = name.trim() === '';
    const padEmpty = isEmptyStrokes(strokes);
    setNameMissing(nameMissing);
    setPadEmpty(padEmpty);
    if (nameMissing || padEmpty) return;
    const image = await renderSignatureImage(strokes);
    await track(`signature:${auditId}:${role}`, () =>
      store.confirmSignature(auditId, role, { name, strokes, image }),
    );
  };

  if (!isEditable) {
    return (
      <div className="signature" data-testid={`signature-${role}`}>
        <h3>{roleName}</h3>
        <p>{signature?.name}</p>
        {signature?.imageId && (
          <SignatureImage imageId={signature.imageId} alt={t('review.signHere', { role: roleName })} />
        )}
        {signature?.signedAt && (
          <p className="subtitle">
            {t('review.signed', { time: formatDateTime(signature.signedAt, i18n.language) })}
          </p>
        )}
      </div>
    );
  }

  return (
    <div
      className={`signature ${isSigned ? 'signature--signed' : ''}`}
      data-testid={`signature-${role}`}
      data-signed={isSigned}
    >
      <h3>{roleName}</h3>
      <label className="field" htmlFor={nameId}>
        <span className="field__label">{t('review.signerName', { role: roleName })}</span>
        <input
          id={nameId}
          value={name}
          autoComplete="off"
          aria-invalid={nameOver > 0 || isNameMissing ? true : undefined}
          aria-describedby={isNameMissing ? `${nameId}-missing` : undefined}
          onChange={(e) => {
            const next = e.target.value;
            setName(next);
            if (next.trim() !== '') setNameMissing(false);
            saveDraft({ name: next, strokes });
          }}
          data-testid={`signer-name-${role}`}
        />
        <CharCount value={name} max={SIGNER_NAME_MAX} />
        {isNameMissing && (
          <span className="field__error" role="alert" id={`${nameId}-missing`} data-testid={`name-missing-${role}`}>
            {t('review.nameRequired')}
          </span>
        )}
        {nameOver > 0 && (
          <span className="field__error" role="alert">
            {t('limits.tooLong', { field: t('limits.signerName'), max: SIGNER_NAME_MAX, over: nameOver })}
          </span>
        )}
      </label>
      <SignaturePad
        strokes={strokes}
        onChange={(next) => {
          setStrokes(next);
          if (!isEmptyStrokes(next)) setPadEmpty(false);
          saveDraft({ name, strokes: next });
        }}
        label={t('review.signHere', { role: roleName })}
        clearLabel={t('review.clear')}
        testId={`signature-pad-${role}`}
      />
      {isPadEmpty && (
        <p className="field__error" role="alert" data-testid={`pad-empty-${role}`}>
          {t('review.emptyPad')}
        </p>
      )}
      {isSigned && signature?.signedAt ? (
        <p className="signature__ok" data-testid={`signed-${role}`}>
          ✓ {t('review.signed', { time: formatDateTime(signature.signedAt, i18n.language) })}
        </p>
      ) : (
        <button
          type="button"
          className="button button--primary"
          onClick={() => void confirm()}
          data-testid={`confirm-signature-${role}`}
        >
          {t('review.confirmSignature')}
        </button>
      )}
    </div>
  );
}
