import { useLiveQuery } from 'dexie-react-hooks';
import { useTranslation } from 'react-i18next';
import { useStoragePersistence } from '../../hooks/use-storage-persistence';
import { useStore } from '../../providers/store-provider';

export function SettingsPage() {
  const { t } = useTranslation();
  const store = useStore();
  const fingerprint = useLiveQuery(() => store.deviceKeyFingerprint(), [store]);
  const persistence = useStoragePersistence();
  return (
    <section aria-labelledby="settings-title" className="page page--narrow">
      <h1 id="settings-title">{t('settings.title')}</h1>
      <h2>{t('settings.keyFingerprint')}</h2>
      <p className="key-fingerprint" data-testid="key-fingerprint">
        {fingerprint ?? t('app.loading')}
      </p>
      <p className="subtitle">{t('settings.keyHint')}</p>
      <h2>{t('settings.storage')}</h2>
      <p>{persistence === 'persisted' ? t('app.storagePersisted') : t('app.storageNotPersisted')}</p>
    </section>
  );
}
