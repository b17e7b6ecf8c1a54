import type { Page } from 'playwright-core';
import { sessionSchema } from '../../../src/domain/wire';
import { SERVER_LINK_SETTING, serverLinkSchema, type ServerLink } from '../../../src/storage/server-link';
import { DB_NAME } from '../../../src/storage/db';

/**
 * Signs the browser in to the server the app was loaded from, as the 设置 → 服务器 screen will: POST
 * /api/session from the page (the HttpOnly cookie lands in the browser), then the server link, with the
 * session as the server answered it, stored in the app's settings table. The page must be on the app.
 */
export async function signInBrowser(page: Page, account: { username: string; password: string }): Promise<ServerLink> {
  const answer = await page.evaluate(async ({ username, password }) => {
    const response = await fetch('/api/session', {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-ducha-csrf': '1' },
      body: JSON.stringify({ username, password }),
    });
    return { status: response.status, body: await response.text() };
  }, account);
  if (answer.status !== 200) throw new Error(`sign-in as ${account.username}: ${answer.status} ${answer.body}`);
  const link = serverLinkSchema.parse({
    version: 1,
    serverUrl: '',
    session: sessionSchema.parse(JSON.parse(answer.body)),
    signedInAt: new Date().toISOString(),
    enrolledKeyId: null,
  });
  await page.evaluate(
    async ({ name, key, value }) => {
      // The app made the database when it opened; no version asked, so whatever the app's is.
      const db = await new Promise<IDBDatabase>((resolve, reject) => {
        const request = indexedDB.open(name);
        // Never create the database here: that is the app's job (its schema, its versions).
        request.onupgradeneeded = () => {
          request.transaction?.abort();
        };
        request.onsuccess = () => {
          resolve(request.result);
        };
        request.onerror = () => {
          reject(request.error ?? new Error('indexedDB.open failed (has the app opened its database yet?)'));
        };
      });
      await new Promise<void>((resolve, reject) => {
        const transaction = db.transaction('settings', 'readwrite');
        transaction.objectStore('settings').put({ key, value });
        transaction.oncomplete = () => {
          resolve();
        };
        transaction.onerror = () => {
          reject(transaction.error ?? new Error('writing the server link failed'));
        };
      });
      db.close();
    },
    { name: DB_NAME, key: SERVER_LINK_SETTING, value: link },
  );
  return link;
}
