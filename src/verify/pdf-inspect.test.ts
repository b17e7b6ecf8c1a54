import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { deflateSync } from 'node:zlib';
import { jsPDF } from 'jspdf';
import { describe, expect, it } from 'vitest';
import {
  findBetweenMarkers,
  isPdf,
  jpegImageHashes,
  jpegImages,
  pageContents,
  readStreams,
} from './pdf-inspect';

const BEGIN = 'DUCHA-SEAL-BEGIN:';
const END = ':DUCHA-SEAL-END';
const NAMESPACE = 'https://ducha.example/seal/';

const fixture = (name: string): Uint8Array =>
  new Uint8Array(readFileSync(new URL(`../../tests/fixtures/photos/${name}`, import.meta.url)));
const red = fixture('photo-red.jpg');
const blue = fixture('photo-blue.jpg');
const sha256 = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');

const seal = { 站点: '东区物业服务中心', 检查员: '王小明', 总分: 92.5, 备注: '楼道照明「正常」&<ok>' };
const sealBase64 = Buffer.from(JSON.stringify(seal), 'utf8').toString('base64');

type Compression = 'NONE' | 'FAST' | 'MEDIUM' | 'SLOW' | undefined;

interface RenderOptions {
  readonly compress?: boolean;
  readonly photos?: readonly Uint8Array[];
  readonly metadata?: boolean;
  readonly compression?: Compression;
  /** Explicit alias, as the renderer should pass (see the alias-collision test below). */
  readonly alias?: (photo: Uint8Array) => string | undefined;
}

function render(options: RenderOptions = {}): Uint8Array {
  const doc = options.compress === undefined ? new jsPDF() : new jsPDF({ compress: options.compress });
  doc.text('Ducha score sheet', 10, 10);
  (options.photos ?? [red, blue]).forEach((photo, i) => {
    doc.addImage(photo, 'JPEG', 10, 20 + i * 40, 40, 30, options.alias?.(photo), options.compression);
  });
  if (options.metadata ?? true) doc.addMetadata(`${BEGIN}${sealBase64}${END}`, NAMESPACE);
  return new Uint8Array(doc.output('arraybuffer'));
}

const byHash = (photo: Uint8Array): string => sha256(photo);

/** Hand-built PDFs exercise shapes jsPDF never writes but other tools (or damage) do. */
function handmade(...parts: readonly (string | Uint8Array)[]): Uint8Array {
  return Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p, 'latin1') : p)));
}

describe('pdf-inspect on jsPDF output', () => {
  describe.each([
    { label: 'compress: true', compress: true },
    { label: 'default options', compress: undefined },
  ])('$label', ({ compress }) => {
    const pdf = render({ compress, alias: byHash });

    it('is recognised as a PDF', () => {
      expect(isPdf(pdf)).toBe(true);
    });

    it('finds exactly the embedded base64 seal and it decodes to the original JSON', () => {
      const found = findBetweenMarkers(pdf, BEGIN, END);
      expect(found).toBe(sealBase64);
      expect(JSON.parse(Buffer.from(found ?? '', 'base64').toString('utf8'))).toEqual(seal);
    });

    it('hashes the JPEGs byte-identically to the fixture files, in order', () => {
      expect(jpegImageHashes(pdf)).toEqual([sha256(red), sha256(blue)]);
    });

    it('decodes Flate content streams', () => {
      const content = readStreams(pdf).find((s) =>
        Buffer.from(s.data).toString('latin1').includes('(Ducha score sheet) Tj'),
      );
      expect(content).toBeDefined();
      expect(content?.dictionary.includes('/FlateDecode')).toBe(compress === true);
    });

    it('writes the XMP metadata stream uncompressed, with the marker text verbatim', () => {
      const metadata = readStreams(pdf).find((s) => s.dictionary.includes('/Type /Metadata'));
      expect(metadata?.dictionary.includes('/Filter')).toBe(false);
      expect(Buffer.from(pdf).toString('latin1')).toContain(`${BEGIN}${sealBase64}${END}`);
    });

    it('returns undefined when there is no metadata', () => {
      expect(findBetweenMarkers(render({ compress, metadata: false }), BEGIN, END)).toBeUndefined();
    });

    it('changes the hash list when one photo is swapped for the other fixture', () => {
      const swapped = jpegImageHashes(render({ compress, photos: [blue, blue], alias: byHash }));
      expect(swapped).not.toEqual(jpegImageHashes(pdf));
      // Identical bytes share one XObject, so verify must compare sets, not counts.
      expect(swapped).toEqual([sha256(blue)]);
    });
  });

  it.each<{ compress: boolean; compression: Compression }>([
    { compress: true, compression: undefined },
    { compress: true, compression: 'NONE' },
    { compress: true, compression: 'FAST' },
    { compress: true, compression: 'MEDIUM' },
    { compress: true, compression: 'SLOW' },
    { compress: false, compression: 'SLOW' },
  ])('passes JPEG bytes through unchanged (compress $compress, compression $compression)', (o) => {
    const pdf = render({ ...o, alias: byHash });
    expect(jpegImageHashes(pdf)).toEqual([sha256(red), sha256(blue)]);
    const images = readStreams(pdf).filter((s) => s.dictionary.includes('/Subtype /Image'));
    expect(images.map((s) => s.data)).toEqual([red, blue]);
    expect(images.every((s) => /\/Filter \/DCTDecode\b/.test(s.dictionary))).toBe(true);
  });

  it('needs an explicit alias: jsPDF default aliases collide for JPEGs sharing their first half', () => {
    // jsPDF's default alias is a 32-bit hash of only the first half of the bytes, so a same-length
    // JPEG differing only later is silently replaced by the first one drawn.
    const variant = red.slice();
    const at = Math.floor(red.length * 0.75);
    variant[at] = (variant[at] ?? 0) ^ 0x01;
    expect(sha256(variant)).not.toBe(sha256(red));

    expect(jpegImageHashes(render({ compress: true, photos: [red, variant] }))).toEqual([sha256(red)]);
    expect(jpegImageHashes(render({ compress: true, photos: [red, variant], alias: byHash }))).toEqual([
      sha256(red),
      sha256(variant),
    ]);
  });
});

describe('pdf-inspect on hand-built PDFs', () => {
  it('rejects files that are not PDFs', () => {
    expect(isPdf(new TextEncoder().encode('得分表\nnot a pdf'))).toBe(false);
    expect(isPdf(new Uint8Array())).toBe(false);
  });

  it('resolves an indirect /Length', () => {
    const body = 'hello stream';
    const pdf = handmade(
      '%PDF-1.4\n',
      `4 0 obj\n<< /Length 5 0 R >>\nstream\n${body}\nendstream\nendobj\n`,
      `5 0 obj\n${body.length}\nendobj\n`,
    );
    expect(readStreams(pdf).map((s) => [s.objectNumber, Buffer.from(s.data).toString('latin1')])).toEqual([
      [4, body],
    ]);
  });

  it('falls back to endstream when /Length is wrong or missing', () => {
    const pdf = handmade(
      '%PDF-1.4\n',
      '1 0 obj\n<< /Length 999 >>\nstream\r\nfirst\r\nendstream\nendobj\n',
      '2 0 obj\n<< /Length 9 0 R >>\nstream\nsecond\nendstream\nendobj\n',
      '3 0 obj\n<< /Type /Foo >>\nstream\nthird\nendstream\nendobj\n',
    );
    expect(readStreams(pdf).map((s) => Buffer.from(s.data).toString('latin1'))).toEqual([
      'first',
      'second',
      'third',
    ]);
  });

  it('removes a Flate layer above DCT and does not mistake binary data for objects', () => {
    // Raw (unflated) JPEG bytes followed by text that looks like an object header.
    const tricky = handmade(red, '\n9 0 obj\n<< /Length 1 >>\nstream\nx\nendstream\n');
    const flated = deflateSync(blue);
    const pdf = handmade(
      '%PDF-1.5\n',
      `7 0 obj\n<< /Type /XObject /Subtype /Image /DecodeParms [null << /ColorTransform 1 >>]`,
      ` /Filter [/FlateDecode /DCTDecode] /Length ${flated.length} >>\nstream\n`,
      flated,
      '\nendstream\nendobj\n',
      `8 0 obj\n<< /Subtype /Image /Filter /DCTDecode /Length ${tricky.length} >>\nstream\n`,
      tricky,
      '\nendstream\nendobj\n',
    );
    expect(readStreams(pdf).map((s) => s.objectNumber)).toEqual([7, 8]);
    expect(jpegImageHashes(pdf)).toEqual([sha256(blue), sha256(tricky)]);
  });

  it('skips images whose Flate layer cannot be inflated instead of hashing the compressed bytes', () => {
    const pdf = handmade(
      '%PDF-1.5\n',
      '1 0 obj\n<< /Subtype /Image /Filter [/FlateDecode /DCTDecode] /Length 4 >>\nstream\njunk\nendstream\nendobj\n',
    );
    expect(jpegImageHashes(pdf)).toEqual([]);
  });

  it('finds markers in a Flate-compressed stream and tolerates inserted line breaks', () => {
    const wrapped = `${BEGIN}\n${sealBase64.slice(0, 20)}\r\n  ${sealBase64.slice(20, 40)}\\\n${sealBase64.slice(40)}:DUCHA-\nSEAL-END`;
    const flated = deflateSync(Buffer.from(`<x:xmpmeta>${wrapped}</x:xmpmeta>`, 'latin1'));
    const pdf = handmade(
      '%PDF-1.5\n',
      `3 0 obj\n<< /Type /Metadata /Subtype /XML /Filter /FlateDecode /Length ${flated.length} >>\nstream\n`,
      flated,
      '\nendstream\nendobj\n',
    );
    expect(Buffer.from(pdf).toString('latin1')).not.toContain(BEGIN);
    expect(findBetweenMarkers(pdf, BEGIN, END)).toBe(sealBase64);
  });

  it('decodes UTF-8 between markers and searches outside streams too', () => {
    const pdf = handmade(
      '%PDF-1.4\n1 0 obj\n<< /Title (',
      Buffer.from(`${BEGIN}督查${END}`, 'utf8'),
      ') >>\nendobj\n',
    );
    expect(findBetweenMarkers(pdf, BEGIN, END)).toBe('督查');
  });
});

describe('pageContents and jpegImages, which verify uses to say where a file differs', () => {
  const twoPages = (): Uint8Array => {
    const doc = new jsPDF({ compress: true });
    doc.text('page one', 10, 10);
    doc.addImage(red, 'JPEG', 10, 20, 40, 30, sha256(red));
    doc.addPage();
    doc.text('page two', 10, 10);
    return new Uint8Array(doc.output('arraybuffer'));
  };
  const text = (bytes: Uint8Array | undefined): string =>
    Buffer.from(bytes ?? new Uint8Array()).toString('latin1');

  it('returns each page content, inflated, in page order', () => {
    const pages = pageContents(twoPages());
    expect(pages).toHaveLength(2);
    expect(text(pages[0])).toContain('(page one) Tj');
    expect(text(pages[1])).toContain('(page two) Tj');
    expect(text(pages[1])).not.toContain('page one');
  });

  it('follows an incremental update: the page redefined later, with an extra content stream, wins', () => {
    const pdf = twoPages();
    const raw = text(pdf);
    const page = /(\d+) 0 obj\n<<\/Type \/Page\n([\s\S]*?)\/Contents (\d+) 0 R/.exec(raw);
    const [, pageNumber, middle, contents] = page ?? [];
    const overlay = deflateSync(Buffer.from('BT /F1 12 Tf 10 10 Td (forged) Tj ET', 'latin1'));
    const updated = handmade(
      pdf,
      `\n90 0 obj\n<< /Length ${String(overlay.length)} /Filter /FlateDecode >>\nstream\n`,
      overlay,
      `\nendstream\nendobj\n${pageNumber ?? ''} 0 obj\n<</Type /Page\n${middle ?? ''}/Contents [${contents ?? ''} 0 R 90 0 R]\n>>\nendobj\n`,
    );
    const pages = pageContents(updated);
    expect(pages).toHaveLength(2);
    expect(text(pages[0])).toContain('(page one) Tj');
    expect(text(pages[0]).endsWith('(forged) Tj ET')).toBe(true);
    expect(pages[1]).toEqual(pageContents(pdf)[1]);
  });

  it('returns no pages for a file without a page tree', () => {
    expect(pageContents(handmade('%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\n'))).toEqual([]);
  });

  it('gives each JPEG bytes with its hash, so verify can hand the sealed images back to the renderer', () => {
    expect(jpegImages(twoPages())).toEqual([{ sha256: sha256(red), bytes: red }]);
  });
});
