import { useId } from 'react';
import { useModalDialog } from '../hooks/use-modal-dialog';

/**
 * One photo as large as the screen allows. A native modal <dialog>, like ConfirmDialog: it keeps focus
 * inside, closes on Escape (and on its button), and hands the page behind it back where it was.
 */
export function PhotoViewer({
  src,
  title,
  closeLabel,
  onClose,
}: {
  src: string;
  title: string;
  closeLabel: string;
  onClose: () => void;
}) {
  const dialog = useModalDialog();
  const titleId = useId();
  return (
    <dialog
      ref={dialog}
      className="photo-viewer"
      aria-labelledby={titleId}
      onCancel={(event) => {
        event.preventDefault();
        onClose();
      }}
      // A tap on the dimmed backdrop outside the photo closes it too, as on a phone's gallery.
      onClick={(event) => {
        if (event.target === event.currentTarget) onClose();
      }}
      data-testid="photo-viewer"
    >
      <div className="photo-viewer__head">
        <h2 id={titleId}>{title}</h2>
        <button type="button" className="button" onClick={onClose} data-testid="photo-viewer-close">
          {closeLabel}
        </button>
      </div>
      <img src={src} alt={title} className="photo-viewer__image" data-testid="photo-viewer-image" />
    </dialog>
  );
}
