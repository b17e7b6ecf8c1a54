import { deflateSync, inflateSync } from 'node:zlib';

/**
 * Just enough PDF writing to attack a jsPDF sheet the way a PDF editor would: an incremental update
 * (new objects + xref section + trailer with /Prev, appended after %%EOF) and an in-place object swap
 * with the xref shifted to match. Only for jsPDF's plain output: classic xref table, no object streams.
 */

const latin1 = (bytes: Uint8Array): string => Buffer.from(bytes).toString('latin1');
const fromLatin1 = (text: string): Uint8Array => new Uint8Array(Buffer.from(text, 'latin1'));

function lastStartxref(text: string): number {
  const match = /startxref\s+(\d+)\s+%%EOF\s*$/.exec(text);
  if (!match?.[1]) throw new Error('no startxref at the end of the file');
  return Number(match[1]);
}

function trailerOf(text: string): string {
  const at = text.lastIndexOf('trailer');
  const end = text.indexOf('startxref', at);
  if (at < 0 || end < 0) throw new Error('no trailer');
  return text.slice(at + 'trailer'.length, end);
}

function objectBody(text: string, objectNumber: number): string {
  const header = new RegExp(`(?:^|[\\r\\n])${String(objectNumber)} 0 obj\\s*`, 'g');
  let found: RegExpExecArray | null = null;
  // The last definition wins, as for a reader.
  for (let m = header.exec(text); m !== null; m = header.exec(text)) found = m;
  if (found === null) throw new Error(`object ${String(objectNumber)} not found`);
  const start = found.index + found[0].length;
  return text.slice(start, text.indexOf('endobj', start)).trimEnd();
}

/** The object numbers of the pages, in order, from the page tree jsPDF writes (one /Pages node). */
export function pageObjectNumbers(pdf: Uint8Array): number[] {
  const text = latin1(pdf);
  const root = /\/Root\s+(\d+) 0 R/.exec(trailerOf(text))?.[1];
  const pagesRef = /\/Pages\s+(\d+) 0 R/.exec(objectBody(text, Number(root)))?.[1];
  const kids = /\/Kids\s*\[([^\]]*)\]/.exec(objectBody(text, Number(pagesRef)))?.[1] ?? '';
  return Array.from(kids.matchAll(/(\d+) 0 R/g), (m) => Number(m[1]));
}

/**
 * Appends an incremental update that draws `content` (PDF operators) on top of page `pageNumber` (1-based):
 * a new Flate content stream, the page object rewritten with /Contents [old new], and an xref section
 * and trailer chained to the previous one by /Prev. The original bytes stay untouched in front. As a PDF
 * editor would, it adds the font the overlay writes with (Helvetica, as /FAttack): a sheet carries only
 * the fonts it uses.
 */
export function appendPageOverlay(pdf: Uint8Array, pageNumber: number, content: string): Uint8Array {
  const text = latin1(pdf);
  const trailer = trailerOf(text);
  const size = Number(/\/Size\s+(\d+)/.exec(trailer)?.[1]);
  const page = pageObjectNumbers(pdf)[pageNumber - 1];
  if (page === undefined) throw new Error(`no page ${String(pageNumber)}`);
  const pageBody = objectBody(text, page);
  const contents = /\/Contents\s+(\d+ 0 R|\[[^\]]*\])/.exec(pageBody)?.[1] ?? '';
  const existing = contents.startsWith('[') ? contents.slice(1, -1).trim() : contents;
  const [streamObject, fontObject, resourcesObject] = [size, size + 1, size + 2];
  const resourcesRef = /\/Resources\s+(\d+) 0 R/.exec(pageBody)?.[1];
  const resources = resourcesRef === undefined ? '<<\n>>' : objectBody(text, Number(resourcesRef));
  const attackFont = `/FAttack ${String(fontObject)} 0 R`;
  const newResources = resources.includes('/Font <<')
    ? resources.replace('/Font <<', `/Font <<\n${attackFont}`)
    : resources.replace(/>>\s*$/, `/Font << ${attackFont} >>\n>>`);
  const newPageBody = pageBody
    .replace(/\/Contents\s+(\d+ 0 R|\[[^\]]*\])/, `/Contents [${existing} ${String(streamObject)} 0 R]`)
    .replace(/\/Resources\s+\d+ 0 R/, `/Resources ${String(resourcesObject)} 0 R`);

  const stream = deflateSync(Buffer.from(content, 'latin1'));
  const parts: Uint8Array[] = [pdf];
  let offset = pdf.length;
  const push = (chunk: Uint8Array | string) => {
    const bytes = typeof chunk === 'string' ? fromLatin1(chunk) : chunk;
    parts.push(bytes);
    offset += bytes.length;
  };
  push('\n');
  const streamOffset = offset;
  push(
    `${String(streamObject)} 0 obj\n<<\n/Length ${String(stream.length)}\n/Filter /FlateDecode\n>>\nstream\n`,
  );
  push(new Uint8Array(stream));
  push('\nendstream\nendobj\n');
  const fontOffset = offset;
  push(
    `${String(fontObject)} 0 obj\n<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>\nendobj\n`,
  );
  const resourcesOffset = offset;
  push(`${String(resourcesObject)} 0 obj\n${newResources}\nendobj\n`);
  const pageOffset = offset;
  push(`${String(page)} 0 obj\n${newPageBody}\nendobj\n`);
  const xrefOffset = offset;
  const entry = (n: number) => `${String(n).padStart(10, '0')} 00000 n \n`;
  const rest = trailer
    .replace(/\/Size\s+\d+/, `/Size ${String(size + 3)}`)
    .replace(/>>\s*$/, `/Prev ${String(lastStartxref(text))}\n>>`);
  push(
    `xref\n0 1\n0000000000 65535 f \n${String(page)} 1\n${entry(pageOffset)}${String(streamObject)} 3\n` +
      `${entry(streamOffset)}${entry(fontOffset)}${entry(resourcesOffset)}` +
      `trailer${rest}startxref\n${String(xrefOffset)}\n%%EOF\n`,
  );
  return new Uint8Array(Buffer.concat(parts));
}

const FLATE = '/Filter /FlateDecode';

/**
 * Replaces the stream data of object `objectNumber` in place (e.g. the XMP metadata; `data` is the
 * uncompressed data, compressed again when the stream is), fixing its /Length, every later xref offset
 * and startxref, so the file stays well formed.
 */
export function replaceStreamData(pdf: Uint8Array, objectNumber: number, plain: string): Uint8Array {
  const text = latin1(pdf);
  const header = new RegExp(`(?:^|\\n)${String(objectNumber)} 0 obj\\n`).exec(text);
  if (header === null) throw new Error(`object ${String(objectNumber)} not found`);
  const start = header.index + (header[0].startsWith('\n') ? 1 : 0);
  const end = text.indexOf('endobj', start) + 'endobj'.length;
  const old = text.slice(start, end);
  const dataStart = old.indexOf('stream\n') + 'stream\n'.length;
  const data = old.slice(0, dataStart).includes(FLATE)
    ? latin1(deflateSync(Buffer.from(plain, 'latin1')))
    : plain;
  const dataEnd = old.lastIndexOf('\nendstream');
  const replaced = `${old.slice(0, dataStart).replace(/\/Length \d+/, `/Length ${String(data.length)}`)}${data}${old.slice(dataEnd)}`;
  const delta = replaced.length - old.length;
  const before = text.slice(0, start) + replaced + text.slice(end);
  const shifted = before
    .replace(/xref\n0 (\d+)\n([\s\S]*?)trailer/, (_all, count: string, table: string) => {
      const lines = table.split('\n').map((line) => {
        const m = /^(\d{10}) (\d{5}) n $/.exec(line);
        if (!m?.[1] || !m[2]) return line;
        const at = Number(m[1]);
        return `${String(at > start ? at + delta : at).padStart(10, '0')} ${m[2]} n `;
      });
      return `xref\n0 ${count}\n${lines.join('\n')}trailer`;
    })
    .replace(
      /startxref\n(\d+)\n%%EOF\s*$/,
      (_all, at: string) => `startxref\n${String(Number(at) + delta)}\n%%EOF`,
    );
  return fromLatin1(shifted);
}

/** The object number and the data of the XMP metadata stream, inflated when it is compressed. */
export function metadataStream(pdf: Uint8Array): { objectNumber: number; data: string } {
  const text = latin1(pdf);
  const match = /(?:^|\n)(\d+) 0 obj\n<< \/Type \/Metadata[^>]*\/Length (\d+) >>\nstream\n/.exec(text);
  if (!match?.[1] || !match[2]) throw new Error('no metadata stream');
  const start = match.index + match[0].length;
  const data = text.slice(start, start + Number(match[2]));
  return {
    objectNumber: Number(match[1]),
    data: match[0].includes(FLATE) ? latin1(inflateSync(Buffer.from(data, 'latin1'))) : data,
  };
}
