import { useId, useState, type ReactNode } from 'react';
import { useModalDialog } from '../hooks/use-modal-dialog';

/**
 * A modal question before something that cannot be undone (revoking a key, dropping a held audit).
 * The native <dialog> keeps focus inside, closes on Escape and gives the page behind it back untouched.
 * With `reasonLabel`, it also asks for an optional reason, passed to onConfirm.
 */
export function ConfirmDialog({
  title,
  children,
  confirmLabel,
  cancelLabel,
  reasonLabel,
  onConfirm,
  onCancel,
  testId = 'confirm-dialog',
}: {
  title: string;
  children: ReactNode;
  confirmLabel: string;
  cancelLabel: string;
  reasonLabel?: string;
  onConfirm: (reason: string) => void;
  onCancel: () => void;
  testId?: string;
}) {
  const dialog = useModalDialog();
  const titleId = useId();
  const reasonId = useId();
  const [reason, setReason] = useState('');
  return (
    <dialog
      ref={dialog}
      className="confirm-dialog"
      aria-labelledby={titleId}
      onCancel={(event) => {
        event.preventDefault();
        onCancel();
      }}
      data-testid={testId}
    >
      <h2 id={titleId}>{title}</h2>
      {children}
      {reasonLabel !== undefined && (
        <div className="field">
          <label htmlFor={reasonId} className="field__label">
            {reasonLabel}
          </label>
          <textarea
            id={reasonId}
            value={reason}
            maxLength={500}
            onChange={(event) => {
              setReason(event.target.value);
            }}
            data-testid={`${testId}-reason`}
          />
        </div>
      )}
      <div className="sheet-actions">
        <button
          type="button"
          className="button button--primary"
          onClick={() => {
            onConfirm(reason);
          }}
          data-testid={`${testId}-confirm`}
        >
          {confirmLabel}
        </button>
        <button type="button" className="button" onClick={onCancel} data-testid={`${testId}-cancel`}>
          {cancelLabel}
        </button>
      </div>
    </dialog>
  );
}
