/** The tag the service worker answers (public/outbox-sync-sw.js): it wakes the open app to run a pass. */
export const OUTBOX_SYNC_TAG = 'ducha-outbox';

interface SyncManagerLike {
  register(tag: string): Promise<void>;
}

function syncManagerOf(registration: ServiceWorkerRegistration): SyncManagerLike | undefined {
  if (!('sync' in registration)) return undefined;
  const { sync } = registration;
  if (typeof sync !== 'object' || sync === null || !('register' in sync) || typeof sync.register !== 'function') return undefined;
  const register: unknown = sync.register;
  return typeof register === 'function' ? { register: (tag) => Promise.resolve(register.call(sync, tag)) } : undefined;
}

/**
 * Asks the browser to wake the service worker when the network is back (Background Sync, Chromium only), so a
 * tablet that regains signal with the app in the background still gets a pass. Elsewhere the `online` event and
 * the timer do the same while the app is open. Never throws.
 */
export async function requestBackgroundSync(): Promise<void> {
  try {
    const registration = await navigator.serviceWorker.getRegistration();
    const manager = registration ? syncManagerOf(registration) : undefined;
    await manager?.register(OUTBOX_SYNC_TAG);
  } catch {
    // No service worker, or Background Sync refused (permission, private mode): the other triggers remain.
  }
}
