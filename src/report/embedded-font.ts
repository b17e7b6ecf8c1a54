import { jsPDF } from 'jspdf';
import type { SheetFont } from './font-choice';
import { objectWriter, onDocumentEvent, writeStream } from './jspdf-output';
import { indexTrueType, subsetTrueType, type TrueTypeIndex } from './truetype-subset';

// jsPDF reads a font from its virtual file system as a base64 string, decodes it, parses all of it
// (2.4 MB here) for every document, and writes a subset built by concatenating plain arrays, with the
// whole cmap, hmtx and post tables. A sheet made that way spent most of its time on the same font, again.
// Here each font's bytes are parsed once (by jsPDF's parser, so text is measured and encoded exactly as
// jsPDF does), every document gets a view of that parse with its own record of the glyphs it draws, and
// the font objects are written here: only the glyphs drawn (truetype-subset.ts), compressed once.

/** jsPDF's TTFFont class (jsPDF.API.TTFFont, untyped): only its `open` is used. */
interface TrueTypeFontClass {
  open: (file: unknown) => unknown;
}

function isTrueTypeFontClass(value: unknown): value is TrueTypeFontClass {
  return typeof value === 'function' && typeof Reflect.get(value, 'open') === 'function';
}

function trueTypeFontClass(): TrueTypeFontClass {
  const found: unknown = Reflect.get(jsPDF.API, 'TTFFont');
  if (!isTrueTypeFontClass(found)) throw new Error(`jsPDF ${jsPDF.version} has no TTFFont parser`);
  return found;
}

const isObject = (value: unknown): value is object => typeof value === 'object' && value !== null;

/** A font's bytes parsed once: jsPDF's parse (shared, only read) and what the writer needs. */
interface ParsedFont {
  readonly index: TrueTypeIndex;
  readonly cmap: object;
  readonly characterToGlyph: (code: number) => number;
  readonly widthOfGlyph: (glyph: number) => number;
  readonly widthOfString: (text: string, size: number, charSpace: number) => number;
  /** FontBBox, Flags, StemV, ItalicAngle, Ascent, Descent, CapHeight, as jsPDF computed them. */
  readonly descriptor: string;
}

const parsedFonts = new WeakMap<Uint8Array, ParsedFont>();
let parseCount = 0;
/** How many fonts have been parsed in this JavaScript realm: each font's bytes once. */
export const fontParseCount = (): number => parseCount;

function parse(bytes: Uint8Array): ParsedFont {
  const cached = parsedFonts.get(bytes);
  if (cached) return cached;
  const parsed: unknown = trueTypeFontClass().open(bytes);
  if (!isObject(parsed)) throw new Error('jsPDF did not parse the font');
  const method = (name: string) => {
    const fn: unknown = Reflect.get(parsed, name);
    if (typeof fn !== 'function') throw new Error(`jsPDF's parsed font has no ${name}`);
    return (...args: unknown[]): number => {
      const result: unknown = Reflect.apply(fn, parsed, args);
      return typeof result === 'number' ? result : 0;
    };
  };
  const number = (name: string): number => {
    const value: unknown = Reflect.get(parsed, name);
    if (typeof value !== 'number') throw new Error(`jsPDF's parsed font has no ${name}`);
    return value;
  };
  const bbox: unknown = Reflect.get(parsed, 'bbox');
  const cmap: unknown = Reflect.get(parsed, 'cmap');
  if (!Array.isArray(bbox) || !bbox.every((n) => typeof n === 'number') || !isObject(cmap))
    throw new Error("jsPDF's parsed font has no bounding box or cmap");
  const characterToGlyph = method('characterToGlyph');
  const widthOfGlyph = method('widthOfGlyph');
  const widthOfString = method('widthOfString');
  const font: ParsedFont = {
    index: indexTrueType(bytes),
    cmap,
    characterToGlyph: (code) => characterToGlyph(code),
    widthOfGlyph: (glyph) => widthOfGlyph(glyph),
    widthOfString: (text, size, charSpace) => widthOfString(text, size, charSpace),
    descriptor:
      `/FontBBox [${bbox.join(' ')}] /Flags ${String(number('flags'))} /StemV ${String(number('stemV'))}` +
      ` /ItalicAngle ${String(number('italicAngle'))} /Ascent ${String(number('ascender'))}` +
      ` /Descent ${String(number('decender'))} /CapHeight ${String(number('capHeight'))}`,
  };
  parseCount += 1;
  parsedFonts.set(bytes, font);
  return font;
}

/**
 * jsPDF's per-document list of glyph widths, which it searches and extends for every character drawn.
 * The widths are written here from the glyphs used, so the list reports every glyph as already listed.
 */
class WidthsWrittenAtOutput extends Array<unknown> {
  override indexOf(): number {
    return 0;
  }
}

/** What jsPDF records while a document draws with the font (its font "metadata"). */
interface DocumentFont {
  readonly cmap: object;
  readonly characterToGlyph: (code: number) => number;
  readonly widthOfGlyph: (glyph: number) => number;
  readonly widthOfString: (text: string, size: number, charSpace: number) => number;
  /** Glyph id → the UTF-16 code it was drawn for (jsPDF's pdfEscape16 fills it). */
  readonly toUnicode: Record<number, number>;
  readonly Unicode: { encoding: object; kerning: object; widths: unknown[] };
  /** Every glyph id drawn, repeats included, and 0 (jsPDF's addFont sets it). */
  glyIdsUsed: number[];
}

/**
 * The font's view for one document: measuring and glyph lookup go to the shared parse; what is drawn is
 * recorded here. Not an instance of jsPDF's TTFFont, so jsPDF leaves writing the font to us.
 */
const documentFont = (font: ParsedFont): DocumentFont => ({
  cmap: font.cmap,
  characterToGlyph: font.characterToGlyph,
  widthOfGlyph: font.widthOfGlyph,
  widthOfString: font.widthOfString,
  toUnicode: {},
  Unicode: { encoding: {}, kerning: {}, widths: new WidthsWrittenAtOutput() },
  glyIdsUsed: [0],
});

const hex4 = (n: number): string => n.toString(16).padStart(4, '0');

/** The ToUnicode CMap: each drawn glyph → the character it was drawn for, consecutive runs as ranges. */
export function toUnicodeCMap(toUnicode: Readonly<Record<number, number>>): string {
  const glyphs = Object.keys(toUnicode)
    .map(Number)
    .sort((a, b) => a - b);
  const ranges: string[] = [];
  const chars: string[] = [];
  for (let i = 0; i < glyphs.length;) {
    const first = glyphs[i] ?? 0;
    const code = toUnicode[first] ?? 0;
    let last = first;
    // Within a range only the last byte of the glyph id and of the character may change.
    while (
      i + 1 < glyphs.length &&
      glyphs[i + 1] === last + 1 &&
      toUnicode[last + 1] === code + (last + 1 - first) &&
      (last + 1) % 256 !== 0 &&
      (code + (last + 1 - first)) % 256 !== 0
    ) {
      last += 1;
      i += 1;
    }
    i += 1;
    if (last > first) ranges.push(`<${hex4(first)}><${hex4(last)}><${hex4(code)}>`);
    else chars.push(`<${hex4(first)}><${hex4(code)}>`);
  }
  const blocks = (entries: string[], kind: 'bfchar' | 'bfrange'): string =>
    Array.from({ length: Math.ceil(entries.length / 100) }, (_, b) => {
      const block = entries.slice(b * 100, b * 100 + 100);
      return `${String(block.length)} begin${kind}\n${block.join('\n')}\nend${kind}\n`;
    }).join('');
  return (
    '/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n' +
    '/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n' +
    '/CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n' +
    '1 begincodespacerange\n<0000><ffff>\nendcodespacerange\n' +
    blocks(chars, 'bfchar') +
    blocks(ranges, 'bfrange') +
    'endcmap\nCMapName currentdict /CMap defineresource pop\nend\nend'
  );
}

/** The /W array: only glyphs whose width is not the default 1000, consecutive glyphs grouped. */
export function widthsArray(glyphs: readonly number[], widthOf: (glyph: number) => number): string {
  const groups: string[] = [];
  let start = -2;
  let widths: number[] = [];
  const flush = () => {
    if (widths.length > 0) groups.push(`${String(start)} [${widths.join(' ')}]`);
  };
  for (const glyph of glyphs) {
    const width = Math.trunc(widthOf(glyph));
    if (width === DEFAULT_WIDTH) continue;
    if (glyph !== start + widths.length) {
      flush();
      start = glyph;
      widths = [];
    }
    widths.push(width);
  }
  flush();
  return `[${groups.join(' ')}]`;
}

/** The width (1/1000 em) of a glyph the /W array does not list: the /DW written below. */
const DEFAULT_WIDTH = 1000;

/** jsPDF's putFont event: the font being written (its metadata is what addFont's loader returned). */
function fontOfEvent(args: unknown): { metadata: unknown; target: object } | undefined {
  const font: unknown = isObject(args) ? Reflect.get(args, 'font') : undefined;
  return isObject(font) ? { metadata: Reflect.get(font, 'metadata'), target: font } : undefined;
}

/** Letters jsPDF's Arabic shaping may change (it runs on every string measured, whatever its script). */
const ARABIC = /[\u0600-\u06ff\u0750-\u077f\u08a0-\u08ff\ufb50-\ufdff\ufe70-\ufeff]/;
/** Each document's font views (as jsPDF holds them, untyped) → the view. */
const views = new WeakMap<object, DocumentFont>();
const measuredDirectly = new WeakSet<jsPDF>();

/**
 * Measures text in `doc`'s cached fonts as jsPDF does (same calls, same numbers), without first running
 * its Arabic shaping over every character of every string measured: a sixth of a sheet's time, for text
 * that has no Arabic letters. Text that has some, or another font, is measured by jsPDF itself.
 */
function measureDirectly(doc: jsPDF): void {
  const measure = doc.getStringUnitWidth.bind(doc);
  doc.getStringUnitWidth = (text: string, options?: unknown): number => {
    const metadata: unknown = doc.getFont().metadata;
    const font = isObject(metadata) ? views.get(metadata) : undefined;
    if (options !== undefined || font === undefined || ARABIC.test(text)) return measure(text, options);
    const fontSize = doc.getFontSize();
    return font.widthOfString(text, fontSize, doc.getCharSpace()) / fontSize;
  };
}

/**
 * TrueType data starts with these bytes; given them, jsPDF's font loader skips base64 decoding. The loader
 * (TTFFont.open) is then briefly replaced so that it returns the document's view instead of parsing.
 */
const TRUETYPE_SIGNATURE = '\u0000\u0001\u0000\u0000';

/**
 * Registers `font` in `doc` under `id` (style normal, Identity-H) from the parse cached for its bytes,
 * and writes it when the document is output (use pdfBytes, which reports a failure to write it).
 */
export function addCachedFont(doc: jsPDF, font: SheetFont, id: string): void {
  const parsed = parse(font.bytes);
  const view = documentFont(parsed);
  views.set(view, view);
  if (!measuredDirectly.has(doc)) {
    measureDirectly(doc);
    measuredDirectly.add(doc);
  }
  const fontClass = trueTypeFontClass();
  const open = fontClass.open;
  const file = `${font.name}.ttf`;
  doc.addFileToVFS(file, TRUETYPE_SIGNATURE);
  // jsPDF's loader calls TTFFont.open synchronously inside addFont; nothing else runs meanwhile.
  fontClass.open = () => view;
  try {
    doc.addFont(file, id, 'normal', 'normal', 'Identity-H');
  } finally {
    fontClass.open = open;
  }
  const writer = objectWriter(doc);
  onDocumentEvent(doc, 'putFont', (args) => {
    const event = fontOfEvent(args);
    if (event?.metadata !== view) return;
    const glyphs = [...new Set(view.glyIdsUsed)].sort((a, b) => a - b);
    const program = subsetTrueType(parsed.index, glyphs);
    const name = `/${id}`;
    const fontFile = writer.newObject();
    writeStream(writer, `/Length1 ${String(program.length)}`, program);
    const toUnicode = writer.newObject();
    writeStream(writer, '', new TextEncoder().encode(toUnicodeCMap(view.toUnicode)));
    const descriptor = writer.newObject();
    writer.write(
      `<< /Type /FontDescriptor /FontName ${name} /FontFile2 ${String(fontFile)} 0 R ${parsed.descriptor} >>`,
    );
    writer.write('endobj');
    const descendant = writer.newObject();
    writer.write(
      `<< /Type /Font /Subtype /CIDFontType2 /BaseFont ${name} /CIDSystemInfo << /Registry (Adobe) /Ordering (Identity) /Supplement 0 >>` +
        ` /FontDescriptor ${String(descriptor)} 0 R /DW ${String(DEFAULT_WIDTH)} /W ${widthsArray(glyphs, view.widthOfGlyph)} /CIDToGIDMap /Identity >>`,
    );
    writer.write('endobj');
    const type0 = writer.newObject();
    writer.write(
      `<< /Type /Font /Subtype /Type0 /BaseFont ${name} /Encoding /Identity-H /DescendantFonts [${String(descendant)} 0 R] /ToUnicode ${String(toUnicode)} 0 R >>`,
    );
    writer.write('endobj');
    Reflect.set(event.target, 'objectNumber', type0);
    Reflect.set(event.target, 'isAlreadyPutted', true);
  });
}
