let settle: (isRegistered: boolean) => void = () => undefined;

/**
 * Whether a service worker was registered for this app (it precaches every file, so it can serve any screen
 * offline). Settles once registration has been tried: false where service workers are refused or missing.
 */
export const serviceWorkerRegistered = new Promise<boolean>((resolve) => {
  settle = resolve;
});

/** Told by UpdatePrompt, which registers the worker. */
export function noteServiceWorker(isRegistered: boolean): void {
  settle(isRegistered);
}

if (typeof navigator === 'undefined' || !('serviceWorker' in navigator)) noteServiceWorker(false);
