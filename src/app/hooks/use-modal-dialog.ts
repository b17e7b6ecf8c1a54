import { useEffect, useRef } from 'react';

/**
 * Opens a native <dialog> as a modal when it mounts, and closes it when it goes, giving focus back to the
 * control that opened it (React removes the element before this cleanup, so the browser's own focus
 * restoring has nothing to go back from).
 */
export function useModalDialog() {
  const dialog = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const element = dialog.current;
    const opener = document.activeElement;
    if (element && !element.open) element.showModal();
    return () => {
      element?.close();
      if (opener instanceof HTMLElement && opener.isConnected) opener.focus();
    };
  }, []);
  return dialog;
}
