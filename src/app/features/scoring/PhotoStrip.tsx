import { useLiveQuery } from 'dexie-react-hooks';
import { memo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ConfirmDialog } from '../../components/ConfirmDialog';
import { PhotoViewer } from '../../components/PhotoViewer';
import { useObjectUrl } from '../../hooks/use-object-url';
import { compressPhoto } from '../../photos/compress-photo';
import { useSaveTracker } from '../../providers/save-tracker';
import { useStore } from '../../providers/store-provider';

/**
 * One photo: a thumbnail that opens the photo full size, and (on a draft) a remove button that asks first.
 * A removed photo is gone for good (its image is deleted with it), so a stray tap must not be enough.
 */
function PhotoItem({
  photoId,
  name,
  onRemove,
}: {
  photoId: string;
  /** "3 的照片 1": the alt text, the viewer's title and what the remove question names. */
  name: string;
  onRemove: (() => void) | undefined;
}) {
  const { t } = useTranslation();
  const store = useStore();
  const blob = useLiveQuery(() => store.getBlob(photoId), [store, photoId]);
  const url = useObjectUrl(blob);
  const [isViewing, setViewing] = useState(false);
  const [isConfirming, setConfirming] = useState(false);
  return (
    <li className="photos__item">
      {url ? (
        <button
          type="button"
          className="photo-open"
          onClick={() => {
            setViewing(true);
          }}
          aria-label={t('scoring.viewPhoto', { photo: name })}
          data-testid="photo-open"
        >
          <img src={url} alt={name} className="photo-thumb" data-testid="photo-thumb" />
        </button>
      ) : (
        <span className="photo-thumb photo-thumb--empty" />
      )}
      {onRemove && (
        <button
          type="button"
          className="button button--small photos__remove"
          onClick={() => {
            setConfirming(true);
          }}
          aria-label={t('scoring.removePhoto', { photo: name })}
          data-testid="photo-remove"
        >
          ✕
        </button>
      )}
      {isViewing && url && (
        <PhotoViewer
          src={url}
          title={name}
          closeLabel={t('scoring.closePhoto')}
          onClose={() => {
            setViewing(false);
          }}
        />
      )}
      {isConfirming && onRemove && (
        <ConfirmDialog
          title={t('scoring.removePhotoTitle', { photo: name })}
          confirmLabel={t('scoring.removePhotoConfirm')}
          cancelLabel={t('scoring.removePhotoCancel')}
          onConfirm={() => {
            setConfirming(false);
            onRemove();
          }}
          onCancel={() => {
            setConfirming(false);
          }}
          testId="remove-photo-dialog"
        >
          {url && <img src={url} alt="" className="photo-thumb" />}
          <p>{t('scoring.removePhotoBody')}</p>
        </ConfirmDialog>
      )}
    </li>
  );
}

interface PhotoStripProps {
  readonly auditId: string;
  readonly unitId: string;
  readonly photoIds: readonly string[];
  readonly isEditable: boolean;
}

/** A fresh read of the answer has fresh arrays: the strip re-renders only when its photos changed. */
const isSameStrip = (prev: PhotoStripProps, next: PhotoStripProps): boolean =>
  prev.auditId === next.auditId &&
  prev.unitId === next.unitId &&
  prev.isEditable === next.isEditable &&
  prev.photoIds.join() === next.photoIds.join();

export const PhotoStrip = memo(function PhotoStrip({
  auditId,
  unitId,
  photoIds,
  isEditable,
}: PhotoStripProps) {
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
            <PhotoItem
              key={id}
              photoId={id}
              name={t('scoring.photoAlt', { unit: t('scoring.unitLabel', { unit: unitId }), n: index + 1 })}
              onRemove={
                isEditable
                  ? () =>
                      void track(`photo-remove:${auditId}:${unitId}:${id}`, () =>
                        store.removePhoto(auditId, unitId, id),
                      )
                  : undefined
              }
            />
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
}, isSameStrip);
