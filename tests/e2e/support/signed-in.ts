import type { Page } from 'playwright-core';
import { DB_NAME } from '../../../src/storage/db';
import { SERVER_LINK_SETTING, serverLinkSchema } from '../../../src/storage/server-link';
import { sessionSchema } from '../../../src/domain/wire';
import type { Account } from './real-server';

/**
 * Signs the browser in to the server that served the page, as 设置 → 服务器 will: POST /api/session from the
 * page (so the HttpOnly cookie lands in this browser), then the server link (origin '' = this one, the session
 * as answered) in the app's settings table, and a reload so the app reads it. A stand-in until the outbox
 * helper's sign-in screen is merged; the stored row is parsed with the app's own serverLinkSchema.
 */
export async function signInBrowser(page: Page, account: Account): Promise<void> {
  const answer = await page.evaluate(
    async ({ username, password }) => {
      const response = await fetch('/api/session', {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-ducha-csrf': '1' },
        body: JSON.stringify({ username, password }),
      });
      return { status: response.status, body: await response.text() };
    },
    { username: account.username, password: account.password },
  );
  if (answer.status !== 200)
    throw new Error(`sign-in as ${account.username}: ${answer.status} ${answer.body}`);
  const parsedBody: unknown = JSON.parse(answer.body);
  const link = serverLinkSchema.parse({
    version: 1,
    serverUrl: '',
    session: sessionSchema.parse(parsedBody),
    signedInAt: new Date().toISOString(),
    enrolledKeyId: null,
  });
  // Straight into IndexedDB: the app has opened (and upgraded) the database already, so no version is asked for.
  await page.evaluate(
    ({ dbName, key, value }) =>
      new Promise<void>((resolve, reject) => {
        const open = indexedDB.open(dbName);
        open.onerror = () => {
          reject(new Error(open.error?.message ?? 'cannot open the database'));
        };
        open.onsuccess = () => {
          const db = open.result;
          const tx = db.transaction('settings', 'readwrite');
          tx.objectStore('settings').put({ key, value });
          tx.oncomplete = () => {
            db.close();
            resolve();
          };
          tx.onerror = () => {
            db.close();
            reject(new Error(tx.error?.message ?? 'cannot write the server link'));
          };
        };
      }),
    { dbName: DB_NAME, key: SERVER_LINK_SETTING, value: link },
  );
  await page.reload();
}
