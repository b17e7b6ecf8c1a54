import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';
import { VitePWA } from 'vite-plugin-pwa';
import { routePreload } from './build-plugins/route-preload.ts';
import { shippedRubrics } from './build-plugins/shipped-rubrics.ts';

export default defineConfig({
  plugins: [
    react(),
    shippedRubrics(),
    routePreload(),
    VitePWA({
      // "prompt": a new version waits for the auditor to accept it; nothing reloads mid-audit.
      registerType: 'prompt',
      injectRegister: false,
      includeAssets: ['favicon.svg', 'icons/apple-touch-icon-180.png'],
      manifest: {
        id: '/',
        // Chinese first, English beside it: the installed icon reads 督查, the full name carries both.
        name: '督查 Ducha',
        short_name: '督查',
        description: '物业服务督办考核 · Property service inspection scoring',
        lang: 'zh-CN',
        dir: 'ltr',
        start_url: '.',
        scope: '.',
        display: 'standalone',
        orientation: 'any',
        background_color: '#ffffff',
        theme_color: '#1f4e79',
        icons: [
          { src: 'icons/icon-192.png', sizes: '192x192', type: 'image/png' },
          { src: 'icons/icon-512.png', sizes: '512x512', type: 'image/png' },
          { src: 'icons/icon-maskable-512.png', sizes: '512x512', type: 'image/png', purpose: 'maskable' },
        ],
      },
      workbox: {
        // The app shell, every lazy route and the bundled rubrics: after one visit all of it works offline.
        globPatterns: ['**/*.{js,css,html,svg,png,webmanifest,json,ttf}'],
        // The fuller CJK font (4.6 MB, rare name characters) is not precached: the app fetches it in the
        // background after the first visit into a cache of its own (src/app/fuller-font.ts), so installing
        // or updating the app never waits for it.
        // jsPDF's optional plugins (doc.html and SVG: html2canvas, DOMPurify, canvg), split out of the sheet
        // code and its worker as chunks of their own: the app never calls them, so they are not precached
        // (≈ 760 KB, more than the sheet worker added).
        globIgnores: [
          '**/fonts/wqy-microhei.ttf',
          '**/assets/html2canvas-*.js',
          '**/assets/purify.es-*.js',
          '**/assets/index.es-*.js',
          // Head office's server screens (users, sites, keys, rubrics) work only online: tablets never need them.
          '**/assets/AdminPage-*.js',
        ],
        // The CJK font subset (≈2.4 MB) must be precached for offline PDF export; the default limit is 2 MiB.
        maximumFileSizeToCacheInBytes: 4 * 1024 * 1024,
        navigateFallback: 'index.html',
        // The first install takes control of the page that installed it (a first install never waits, so this
        // needs no skipWaiting): a new auditor who goes offline before ever reloading still gets every precached
        // screen. An update still waits for the prompt: clientsClaim only claims pages no worker controls yet,
        // and the waiting worker activates only on SKIP_WAITING from UpdatePrompt.
        clientsClaim: true,
        cleanupOutdatedCaches: true,
        // Background Sync for the outbox: the worker wakes the open app when the network is back.
        importScripts: ['outbox-sync-sw.js'],
      },
    }),
  ],
  server: { host: '127.0.0.1' },
  preview: { host: '127.0.0.1', port: 4173 },
  build: {
    target: 'es2022',
    sourcemap: false,
    rolldownOptions: {
      output: {
        // Everything the first screen needs before it can render is one file instead of ten: each request costs
        // a round trip to the service worker (warm) or the server (cold) before any of it can run. The entry
        // (index.html, main.tsx) stays out of the group, or nothing would start it.
        codeSplitting: {
          groups: [
            {
              name: 'app',
              tags: ['$initial'],
              test: (id: string) => !/index\.html|src\/app\/main\.tsx/.test(id),
            },
          ],
        },
      },
    },
  },
  // Module workers, so a worker's own dynamic imports stay separate chunks: as one script, the sheet
  // worker carried jsPDF's html2canvas, DOMPurify and canvg (≈ 380 KB it never runs) into every start.
  worker: { format: 'es' },
});
