// Builds public/fonts/NotoSansSC-Regular-subset.ttf, the CJK font jsPDF embeds in score sheets, plus OFL.txt.
// Dev tool, run by hand when the character set changes; the output is committed so neither the 57 MB font
// package nor the subsetter is ever a project, runtime or CI dependency.
//
//   npm i --no-save @expo-google-fonts/noto-sans-sc subset-font
//   npx tsx scripts/build-font-subset.ts
//
// If `npm i --no-save` would rewrite package-lock.json (it can, when the lock is out of step with
// package.json), install the two packages elsewhere and point the script there with FONT_SOURCE_DIR:
//
//   mkdir -p /tmp/fontwork && npm --prefix /tmp/fontwork i @expo-google-fonts/noto-sans-sc subset-font
//   FONT_SOURCE_DIR=/tmp/fontwork npx tsx scripts/build-font-subset.ts
//
// jsPDF reads only TrueType (glyf) fonts, hence targetFormat 'truetype'. Whatever the subset lacks is
// dropped silently by jsPDF, so src/report/font-coverage.ts checks text against the font before rendering.
import { existsSync } from 'node:fs';
import { copyFile, mkdir, readFile, readdir, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { missingCharacters, readCmapCoverage } from '../src/report/font-coverage';

const root = join(import.meta.dirname, '..');
const outDir = join(root, 'public', 'fonts');
const outFont = join(outDir, 'NotoSansSC-Regular-subset.ttf');
const outLicence = join(outDir, 'OFL.txt');
const FONT_PACKAGE = '@expo-google-fonts/noto-sans-sc';
const SUBSETTER = 'subset-font';

const INSTALL_HINT = [
  `Run:  npm i --no-save ${FONT_PACKAGE} ${SUBSETTER}`,
  'then again:  npx tsx scripts/build-font-subset.ts',
  'or, to leave package-lock.json alone, install them elsewhere:',
  `  mkdir -p /tmp/fontwork && npm --prefix /tmp/fontwork i ${FONT_PACKAGE} ${SUBSETTER}`,
  '  FONT_SOURCE_DIR=/tmp/fontwork npx tsx scripts/build-font-subset.ts',
].join('\n');

interface SubsetOptions {
  targetFormat: 'truetype';
  preserveNameIds: number[];
}
type SubsetFont = (font: Uint8Array, text: string, options: SubsetOptions) => Promise<unknown>;

function isSubsetFont(value: unknown): value is SubsetFont {
  return typeof value === 'function';
}

/** Every character of GB2312, the set that covers everyday Simplified Chinese (6763 hanzi + 682 symbols). */
function gb2312Characters(): string[] {
  // GB18030 decodes a superset of GB2312 and is built into Node's ICU; 'gbk' is an alias of the same decoder.
  const decoder = new TextDecoder('gb18030');
  const chars: string[] = [];
  for (let lead = 0xa1; lead <= 0xf7; lead++) {
    for (let trail = 0xa1; trail <= 0xfe; trail++) {
      const char = decoder.decode(new Uint8Array([lead, trail]));
      const codePoint = char.codePointAt(0);
      if (codePoint === undefined || char === '\ufffd') continue;
      // GB18030 maps the unassigned and user-defined GB2312 cells to the Private Use Area: no font has those.
      if (codePoint >= 0xe000 && codePoint <= 0xf8ff) continue;
      chars.push(char);
    }
  }
  return chars;
}

/** Code points, not grapheme clusters: a font's cmap maps single code points, so that is the unit to check. */
function codePoints(text: string): string[] {
  return Array.from(text);
}

function range(first: number, last: number): string[] {
  const chars: string[] = [];
  for (let c = first; c <= last; c++) chars.push(String.fromCodePoint(c));
  return chars;
}

/** Punctuation and symbols the score sheets use; most are in GB2312 already, listed so none depends on that. */
const PUNCTUATION = codePoints('、。，；：？！“”‘’（）《》【】〔〕…—·●▲■□○◆★√×÷±≤≥℃¥￥');
/** Beyond GB2312 but common in forms: circled numbers, m²/㎡ for areas, ‰, en dash, corner brackets, NBSP. */
const EXTRA = codePoints('①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳²³㎡‰–「」『』\u00a0');

function collectStrings(value: unknown, out: string[]): void {
  if (typeof value === 'string') out.push(value);
  else if (Array.isArray(value)) for (const item of value) collectStrings(item, out);
  else if (typeof value === 'object' && value !== null) {
    for (const item of Object.values(value)) collectStrings(item, out);
  }
}

/** The rubrics are printed verbatim, so their characters must render even when they fall outside GB2312. */
async function rubricCharacters(): Promise<string[]> {
  const dir = join(root, 'rubrics');
  const strings: string[] = [];
  for (const file of (await readdir(dir)).filter((f) => f.endsWith('.json')).sort()) {
    const parsed: unknown = JSON.parse(await readFile(join(dir, file), 'utf8'));
    collectStrings(parsed, strings);
  }
  return codePoints(strings.join(''));
}

async function findRegularTtf(packageDir: string): Promise<string> {
  // The package keeps one folder per weight, e.g. 400Regular/NotoSansSC_400Regular.ttf.
  for (const entry of await readdir(packageDir, { withFileTypes: true })) {
    if (!entry.isDirectory() || !entry.name.endsWith('Regular')) continue;
    const files = await readdir(join(packageDir, entry.name));
    const ttf = files.find((f) => f.endsWith('_400Regular.ttf'));
    if (ttf !== undefined) return join(packageDir, entry.name, ttf);
  }
  throw new Error(`No *_400Regular.ttf found under ${packageDir}: has ${FONT_PACKAGE} changed its layout?`);
}

interface Sources {
  fontPath: string;
  licencePath: string;
  subsetFont: SubsetFont;
}

async function loadSources(): Promise<Sources | undefined> {
  const base = process.env.FONT_SOURCE_DIR ?? root;
  const require = createRequire(join(base, 'package.json'));
  let fontPackageJson: string;
  let subsetterPath: string;
  try {
    fontPackageJson = require.resolve(`${FONT_PACKAGE}/package.json`);
    subsetterPath = require.resolve(SUBSETTER);
  } catch {
    console.error(`${FONT_PACKAGE} and ${SUBSETTER} are not installed under ${base}.\n${INSTALL_HINT}`);
    return undefined;
  }
  const loaded: unknown = await import(pathToFileURL(subsetterPath).href);
  const subsetFont =
    typeof loaded === 'object' && loaded !== null && 'default' in loaded ? loaded.default : loaded;
  if (!isSubsetFont(subsetFont)) {
    throw new Error(`${subsetterPath} does not export a function: is ${SUBSETTER} the right package?`);
  }
  const packageDir = dirname(fontPackageJson);
  const licencePath = join(packageDir, 'LICENSE_FONT');
  if (!existsSync(licencePath)) {
    throw new Error(`${licencePath} is missing: write the SIL OFL 1.1 text to ${outLicence} by hand.`);
  }
  return { fontPath: await findRegularTtf(packageDir), licencePath, subsetFont };
}

async function main(): Promise<void> {
  const sources = await loadSources();
  if (sources === undefined) {
    process.exitCode = 1;
    return;
  }

  const gb2312 = gb2312Characters();
  const wanted = [
    ...new Set([
      ...range(0x20, 0x7e),
      ...gb2312,
      ...range(0xff01, 0xff5e),
      ...PUNCTUATION,
      ...EXTRA,
      ...(await rubricCharacters()),
    ]),
  ].join('');

  const source = await readFile(sources.fontPath);
  const sourceCoverage = readCmapCoverage(source);
  const absentFromSource = missingCharacters(wanted, sourceCoverage);

  // Name ids 7-14 carry the trademark, vendor, designer and the OFL licence text and URL, which the OFL
  // asks to keep with the font; harfbuzz keeps only 0-6 unless told otherwise.
  const subset = await sources.subsetFont(source, wanted, {
    targetFormat: 'truetype',
    preserveNameIds: [7, 8, 9, 10, 11, 12, 13, 14],
  });
  if (!(subset instanceof Uint8Array)) {
    throw new Error(`${SUBSETTER} returned no font data.`);
  }

  const coverage = readCmapCoverage(subset);
  const lost = missingCharacters(wanted, coverage).filter((c) => !absentFromSource.includes(c));
  if (lost.length > 0) {
    throw new Error(`The subset lost characters the source font has: ${lost.join(' ')}`);
  }

  await mkdir(outDir, { recursive: true });
  await writeFile(outFont, subset);
  await copyFile(sources.licencePath, outLicence);

  console.log(`source:   ${sources.fontPath} (${source.byteLength} bytes)`);
  console.log(`GB2312:   ${gb2312.length} characters decoded`);
  console.log(`wanted:   ${codePoints(wanted).length} characters`);
  if (absentFromSource.length > 0) {
    console.log(`not in Noto Sans SC, skipped: ${absentFromSource.join(' ')}`);
  }
  console.log(`written:  ${outFont} (${subset.byteLength} bytes, ${coverage.size} code points)`);
  console.log(`licence:  ${outLicence}`);
}

await main();
