import { useLiveQuery } from 'dexie-react-hooks';
import { useCallback, useState, useSyncExternalStore } from 'react';
import { z } from 'zod';
import type { Role } from '../../../domain/wire';
import { SERVER_LINK_SETTING, serverLinkSchema } from '../../../storage/server-link';
import type { ApiFailure } from '../../server/api-client';
import { useStore } from '../../providers/store-provider';

/** When this device last read the dashboard from the server: kept so an offline opening can say how old that was. */
export const SERVER_READ_SETTING = 'headOfficeServerRead';
const serverReadSchema = z.strictObject({ version: z.literal(1), serverUrl: z.string(), at: z.string() });

/**
 * Which data the dashboard shows. Head office signed in and the server answering: every audit on the
 * server. Otherwise this device's own data, and, when a server link exists, a banner saying why and since when.
 */
export type DashboardSource =
  | { readonly kind: 'loading' }
  /** No server link: this device's data, as before there was a server. */
  | { readonly kind: 'local' }
  /** Signed in, but not as head office: never the server's data. */
  | { readonly kind: 'not-admin'; readonly role: Role }
  | { readonly kind: 'server'; readonly serverUrl: string; readonly lastRead: string | undefined }
  | {
      readonly kind: 'fallback';
      readonly reason: 'offline' | ApiFailure;
      /** Since when this device's data is shown instead. */
      readonly since: string;
      readonly lastRead: string | undefined;
    };

/** Since when the browser has said it is offline (undefined while online): one value for every reader. */
let offlineSince: string | undefined;
function offlineSinceNow(): string | undefined {
  if (navigator.onLine) offlineSince = undefined;
  else offlineSince ??= new Date().toISOString();
  return offlineSince;
}
function subscribeOnline(onChange: () => void): () => void {
  window.addEventListener('online', onChange);
  window.addEventListener('offline', onChange);
  return () => {
    window.removeEventListener('online', onChange);
    window.removeEventListener('offline', onChange);
  };
}

/** The server this device is linked to and the role signed in there, whether or not it answers now. */
export interface DashboardLink {
  readonly serverUrl: string;
  readonly role: Role;
}

export function useDashboardSource(): {
  source: DashboardSource;
  link: DashboardLink | undefined;
  onRead: (at: string) => void;
  onFailure: (failure: ApiFailure) => void;
  retry: () => void;
} {
  const store = useStore();
  // Wrapped, so "not read yet" and "no link stored" are told apart.
  const stored = useLiveQuery(
    async () => ({ link: await store.getSetting(SERVER_LINK_SETTING), read: await store.getSetting(SERVER_READ_SETTING) }),
    [store],
  );
  const offline = useSyncExternalStore(subscribeOnline, offlineSinceNow);
  const [failure, setFailure] = useState<{ reason: ApiFailure; since: string }>();
  // Back online: try the server again rather than staying on the fallback.
  const [seenOffline, setSeenOffline] = useState(offline);
  if (seenOffline !== offline) {
    setSeenOffline(offline);
    if (offline === undefined) setFailure(undefined);
  }
  const link = stored ? serverLinkSchema.safeParse(stored.link) : undefined;
  const serverUrl = link?.success === true ? link.data.serverUrl : undefined;
  const read = serverReadSchema.safeParse(stored?.read);
  const lastRead = read.success && read.data.serverUrl === serverUrl ? read.data.at : undefined;

  const onRead = useCallback(
    (at: string) => {
      if (serverUrl === undefined) return;
      store.setSetting(SERVER_READ_SETTING, { version: 1, serverUrl, at } satisfies z.infer<typeof serverReadSchema>).catch(() => undefined);
    },
    [store, serverUrl],
  );
  const onFailure = useCallback((reason: ApiFailure) => {
    setFailure((current) => current ?? { reason, since: new Date().toISOString() });
  }, []);
  const retry = useCallback(() => {
    setFailure(undefined);
  }, []);

  let source: DashboardSource;
  if (!stored) source = { kind: 'loading' };
  else if (link?.success !== true) source = { kind: 'local' };
  else if (link.data.session.role !== 'admin') source = { kind: 'not-admin', role: link.data.session.role };
  else if (offline !== undefined) source = { kind: 'fallback', reason: 'offline', since: offline, lastRead };
  else if (failure) source = { kind: 'fallback', reason: failure.reason, since: failure.since, lastRead };
  else source = { kind: 'server', serverUrl: link.data.serverUrl, lastRead };
  const linked = link?.success === true ? { serverUrl: link.data.serverUrl, role: link.data.session.role } : undefined;
  return { source, link: linked, onRead, onFailure, retry };
}
