import type { Page } from 'playwright-core';
import type { Account } from './real-server';

/**
 * Signs the tablet in the way 设置 → 服务器 does until that screen exists here: POST /api/session from the page
 * (so the browser keeps the HttpOnly cookie) with the CSRF header, then the server link saved in the settings
 * table exactly as src/storage/server-link.ts keeps it (serverUrl '' = the app's own origin). Device-key
 * enrolment is left out: the down-sync does not need it. The app must have opened its database first.
 */
export async function signInTablet(page: Page, account: Account): Promise<void> {
  const failure = await page.evaluate(async ({ username, password }) => {
    const response = await fetch('/api/session', {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-ducha-csrf': '1' },
      credentials: 'same-origin',
      body: JSON.stringify({ username, password }),
    });
    if (response.status !== 200) return `sign-in: HTTP ${response.status} ${await response.text()}`;
    const session: unknown = await response.json();
    const link = { version: 1, serverUrl: '', session, signedInAt: new Date().toISOString(), enrolledKeyId: null };
    return new Promise<string | undefined>((resolve) => {
      const opening = indexedDB.open('ducha');
      // Never create the database here: that is the app's job (its schema, its versions).
      opening.onupgradeneeded = () => {
        opening.transaction?.abort();
      };
      opening.onerror = () => {
        resolve(`opening the database (has the app opened it yet?): ${String(opening.error)}`);
      };
      opening.onsuccess = () => {
        const db = opening.result;
        const tx = db.transaction('settings', 'readwrite');
        tx.objectStore('settings').put({ key: 'serverLink', value: link });
        tx.oncomplete = () => {
          db.close();
          resolve(undefined);
        };
        tx.onerror = () => {
          db.close();
          resolve(`saving the server link: ${String(tx.error)}`);
        };
      };
    });
  }, account);
  if (failure !== undefined) throw new Error(failure);
}
