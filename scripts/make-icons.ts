// Regenerates the PWA icons in public/. Dev tool, run by hand: `npx tsx scripts/make-icons.ts`.
// TypeScript rather than .mjs so `npm run lint` (typed linting of every file) covers it.
// Rendered by Chromium so the 督 glyph comes from the system Noto CJK font, not a hand-drawn path.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { chromiumArgs, chromiumExecutable } from '../tests/support/chromium';

const BLUE = '#1f4e79';
const publicDir = join(import.meta.dirname, '..', 'public');

interface Icon {
  file: string;
  size: number;
  /** Glyph font size as a fraction of the icon. */
  glyphRatio: number;
  /** Corner radius as a fraction of the icon; 0 = full bleed. */
  radius: number;
}

const icons: readonly Icon[] = [
  { file: 'icons/icon-192.png', size: 192, glyphRatio: 0.72, radius: 0.18 },
  { file: 'icons/icon-512.png', size: 512, glyphRatio: 0.72, radius: 0.18 },
  // Launchers may crop maskable icons to a circle, so the glyph stays inside the central 80% safe zone.
  { file: 'icons/icon-maskable-512.png', size: 512, glyphRatio: 0.5, radius: 0 },
  // iOS rounds the corners itself and shows transparency as black, so this one is full bleed too.
  { file: 'icons/apple-touch-icon-180.png', size: 180, glyphRatio: 0.66, radius: 0 },
];

/** Drawn on a canvas so the glyph is centred by its actual ink box; CSS centring uses font metrics and sits low. */
function html({ size, glyphRatio, radius }: Icon): string {
  return `<!doctype html><html><head><meta charset="utf-8">
  <style>html, body { margin: 0; background: transparent; } canvas { display: block; }</style></head>
  <body><canvas width="${size}" height="${size}"></canvas><script>
    const ctx = document.querySelector('canvas').getContext('2d');
    ctx.fillStyle = '${BLUE}';
    ctx.beginPath();
    ctx.roundRect(0, 0, ${size}, ${size}, ${radius * size});
    ctx.fill();
    ctx.font = '700 ${Math.round(size * glyphRatio)}px "Noto Sans CJK SC"';
    const m = ctx.measureText('督');
    const x = ${size / 2} - (m.actualBoundingBoxRight - m.actualBoundingBoxLeft) / 2 + m.actualBoundingBoxLeft;
    const y = ${size / 2} + (m.actualBoundingBoxAscent - m.actualBoundingBoxDescent) / 2;
    ctx.fillStyle = '#fff';
    ctx.fillText('督', x, y);
  </script></body></html>`;
}

// A check mark rather than 督: at 16 px a dense CJK glyph turns to mush, and SVG text would depend on installed fonts.
const favicon = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 64 64">
  <rect width="64" height="64" rx="12" fill="${BLUE}"/>
  <path d="M17 33l10 10 20-22" fill="none" stroke="#fff" stroke-width="7" stroke-linecap="round" stroke-linejoin="round"/>
</svg>
`;

const browser = await chromium.launch({
  executablePath: chromiumExecutable,
  args: chromiumArgs,
});
try {
  await mkdir(join(publicDir, 'icons'), { recursive: true });
  for (const icon of icons) {
    const tab = await browser.newPage({
      viewport: { width: icon.size, height: icon.size },
      deviceScaleFactor: 1,
    });
    await tab.setContent(html(icon));
    await tab.screenshot({ path: join(publicDir, icon.file), omitBackground: true });
    await tab.close();
    console.log(`wrote public/${icon.file}`);
  }
  await writeFile(join(publicDir, 'favicon.svg'), favicon);
  console.log('wrote public/favicon.svg');
} finally {
  await browser.close();
}
