// Loaded into the generated service worker (vite.config.ts: workbox.importScripts). Background Sync: when a pass
// of the outbox stopped for want of a network, the app registers the 'ducha-outbox' tag
// (src/app/sync/background-sync.ts); the browser fires this event once it is back online, and every open window
// of the app is told to run a pass at once. The uploads themselves run in the page, where the outbox, the device
// key and the session live; with no window open nothing is sent here, and the outbox drains when the app opens.
self.addEventListener('sync', (event) => {
  if (event.tag !== 'ducha-outbox') return;
  event.waitUntil(
    self.clients.matchAll({ type: 'window', includeUncontrolled: true }).then((clients) => {
      for (const client of clients) client.postMessage({ type: 'ducha-outbox-sync' });
    }),
  );
});
