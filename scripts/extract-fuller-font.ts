// Writes public/fonts/wqy-microhei.ttf: the first face (WenQuanYi Micro Hei) of Debian's fonts-wqy-microhei
// collection, extracted as a standalone TrueType font (jsPDF reads no .ttc), byte for byte what
// `ducha pdf` extracted from the system font before this file was bundled, so sheets made either way
// record the same font hash. Prints the size and SHA-256 to put in src/report/fuller-font.ts.
// Usage: npx tsx scripts/extract-fuller-font.ts [/usr/share/fonts/truetype/wqy/wqy-microhei.ttc]
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { extractFontFromCollection } from '../src/report/ttc';

const source = process.argv[2] ?? '/usr/share/fonts/truetype/wqy/wqy-microhei.ttc';
const out = join(import.meta.dirname, '..', 'public', 'fonts', 'wqy-microhei.ttf');
const bytes = extractFontFromCollection(new Uint8Array(readFileSync(source)));
writeFileSync(out, bytes);
console.log(
  `${out}: ${String(bytes.length)} bytes, sha256 ${createHash('sha256').update(bytes).digest('hex')}`,
);
