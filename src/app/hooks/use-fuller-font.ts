import { useEffect, useSyncExternalStore } from 'react';
import {
  cacheFullerFont,
  fullerFontStatus,
  subscribeFullerFont,
  type FullerFontStatus,
} from '../fuller-font';

/**
 * After the app has loaded, fetches the fuller CJK font into its cache in the background (and again
 * whenever the device comes back online without it), so rare name characters print on sheets made
 * offline later. Idle time first: the auditor's first screen never waits for 4.6 MB.
 */
export function useFullerFontWarmUp(): void {
  useEffect(() => {
    let cancelled = false;
    const warmUp = () => {
      if (!cancelled && fullerFontStatus() !== 'ready') void cacheFullerFont();
    };
    // Safari has no requestIdleCallback.
    const hasIdle = 'requestIdleCallback' in window;
    const handle = hasIdle
      ? window.requestIdleCallback(warmUp, { timeout: 5000 })
      : window.setTimeout(warmUp, 2000);
    window.addEventListener('online', warmUp);
    return () => {
      cancelled = true;
      if (hasIdle) window.cancelIdleCallback(handle);
      else window.clearTimeout(handle);
      window.removeEventListener('online', warmUp);
    };
  }, []);
}

export function useFullerFontStatus(): FullerFontStatus {
  return useSyncExternalStore(subscribeFullerFont, fullerFontStatus);
}
