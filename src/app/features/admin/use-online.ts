import { useSyncExternalStore } from 'react';

const subscribe = (onChange: () => void) => {
  window.addEventListener('online', onChange);
  window.addEventListener('offline', onChange);
  return () => {
    window.removeEventListener('online', onChange);
    window.removeEventListener('offline', onChange);
  };
};

/** The browser's own idea of the network (false is sure; true may still fail, which callApi reports). */
export const useOnline = (): boolean => useSyncExternalStore(subscribe, () => navigator.onLine);
