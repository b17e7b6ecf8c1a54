import { useTranslation } from 'react-i18next';
import type { ConflictRecord } from '../../../domain/index';
import { conflictKind, shortHash, type SignerLabel } from './signers';

/** One conflict with both sides: the seal kept (and compared) and the seal that was not taken. */
export function ConflictItem({ record, signerLabel }: { record: ConflictRecord; signerLabel: SignerLabel }) {
  const { t } = useTranslation();
  const kind = conflictKind(record);
  return (
    <li className="conflict" data-testid="conflict" data-audit-id={record.auditId} data-conflict-kind={kind}>
      <p className="conflict__what">
        {t(`dashboard.conflict.${kind}`, {
          site: record.siteName,
          id: record.auditId,
          revision: record.revision,
        })}
      </p>
      <p className="conflict__side conflict__side--kept" data-testid="conflict-kept">
        {t('dashboard.conflict.kept', {
          hash: shortHash(record.existing.hash),
          signer: signerLabel(record.existing.signer),
        })}
      </p>
      <p className="conflict__side conflict__side--refused" data-testid="conflict-refused">
        {t('dashboard.conflict.refused', {
          hash: shortHash(record.incomingHash),
          signer: signerLabel(record.incomingSigner),
          source: record.source,
        })}
      </p>
      <p className="technical">{record.message}</p>
    </li>
  );
}
