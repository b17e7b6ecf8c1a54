import type { Page } from 'playwright-core';
import { serverLinkSchema, SERVER_LINK_SETTING, type ServerLink } from '../../../src/storage/server-link';
import { DB_NAME } from '../../../src/storage/db';
import type { Account } from './real-server';

/**
 * Signs the open app in to the server that served it, as 设置 → 服务器 will: POST /api/session from the page
 * (so the browser holds the HttpOnly session cookie) and the server's answer kept as the server link in the
 * settings table, then a reload so the app reads it. A stand-in until the settings screen's sign-in (the
 * outbox work) is merged: tests then sign in through that screen instead.
 */
export async function signInBrowser(page: Page, account: Account): Promise<ServerLink> {
  const answer = await page.evaluate(async ({ username, password }) => {
    const response = await fetch('/api/session', {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-ducha-csrf': '1' },
      body: JSON.stringify({ username, password }),
      credentials: 'same-origin',
    });
    return { status: response.status, body: await response.text() };
  }, account);
  if (answer.status !== 200) throw new Error(`sign-in as ${account.username}: ${String(answer.status)} ${answer.body}`);
  const body: unknown = JSON.parse(answer.body);
  const link = serverLinkSchema.parse({ version: 1, serverUrl: '', session: body, signedInAt: new Date().toISOString(), enrolledKeyId: null });
  await page.evaluate(
    async ({ dbName, key, value }) => {
      const db = await new Promise<IDBDatabase>((resolve, reject) => {
        const open = indexedDB.open(dbName);
        open.onsuccess = () => {
          resolve(open.result);
        };
        open.onerror = () => {
          reject(open.error ?? new Error('indexedDB.open failed'));
        };
      });
      await new Promise<void>((resolve, reject) => {
        const tx = db.transaction('settings', 'readwrite');
        tx.objectStore('settings').put({ key, value });
        tx.oncomplete = () => {
          resolve();
        };
        tx.onerror = () => {
          reject(tx.error ?? new Error('settings write failed'));
        };
      });
      db.close();
    },
    { dbName: DB_NAME, key: SERVER_LINK_SETTING, value: link },
  );
  await page.reload();
  return link;
}
