import { useLiveQuery } from 'dexie-react-hooks';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useObjectUrl } from '../../hooks/use-object-url';
import { compressPhoto } from '../../photos/compress-photo';
import { useSaveTracker } from '../../providers/save-tracker';
import { useStore } from '../../providers/store-provider';

function PhotoThumb({ photoId, alt }: { photoId: string; alt: string }) {
  const store = useStore();
  const blob = useLiveQuery(() => store.getBlob(photoId), [store, photoId]);
  const url = useObjectUrl(blob);
  return url ? (
    <img src={url} alt={alt} className="photo-thumb" data-testid="photo-thumb" />
  ) : (
    <span className="photo-thumb photo-thumb--empty" />
  );
}

interface PhotoStripProps {
  readonly auditId: string;
  readonly unitId: string;
  readonly photoIds: readonly string[];
  readonly isEditable: boolean;
}

export function PhotoStrip({ auditId, unitId, photoIds, isEditable }: PhotoStripProps) {
  const { t } = useTranslation();
  const store = useStore();
  const { track } = useSaveTracker();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();

  const addFiles = async (files: FileList | null) => {
    if (!files || files.length === 0) return;
    setBusy(true);
    setError(undefined);
    try {
      for (const file of Array.from(files)) {
        const photo = await compressPhoto(file).catch((e: unknown) => {
          setError(t('scoring.photoFailed', { detail: e instanceof Error ? e.message : String(e) }));
          return undefined;
        });
        if (photo)
          await track(`photo-add:${auditId}:${unitId}:${crypto.randomUUID()}`, () =>
            store.addPhoto(auditId, unitId, photo.blob),
          );
      }
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="photos">
      {photoIds.length > 0 && (
        <ul className="photos__list" aria-label={t('scoring.photos')}>
          {photoIds.map((id, index) => (
            <li key={id} className="photos__item">
              <PhotoThumb photoId={id} alt={t('scoring.photoAlt', { unit: unitId, n: index + 1 })} />
              {isEditable && (
                <button
                  type="button"
                  className="button button--small"
                  onClick={() =>
                    void track(`photo-remove:${auditId}:${unitId}:${id}`, () => store.removePhoto(auditId, unitId, id))
                  }
                  aria-label={`${t('scoring.removePhoto')} ${index + 1}`}
                >
                  ✕
                </button>
              )}
            </li>
          ))}
        </ul>
      )}
      {isEditable && (
        <div className="photos__add">
          <label className="button">
            {t('scoring.takePhoto')}
            <input
              type="file"
              accept="image/*"
              capture="environment"
              className="visually-hidden"
              onChange={(e) => {
                void addFiles(e.target.files).then(() => (e.target.value = ''));
              }}
              data-testid={`camera-${unitId}`}
            />
          </label>
          <label className="button">
            {t('scoring.choosePhoto')}
            <input
              type="file"
              accept="image/*"
              multiple
              className="visually-hidden"
              onChange={(e) => {
                void addFiles(e.target.files).then(() => (e.target.value = ''));
              }}
              data-testid={`gallery-${unitId}`}
            />
          </label>
          {busy && <span role="status">{t('scoring.photoProcessing')}</span>}
          {error && (
            <span role="alert" className="field__error">
              {error}
            </span>
          )}
        </div>
      )}
    </div>
  );
}
