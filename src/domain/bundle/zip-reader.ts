import { inflateSync, strFromU8 } from 'fflate';
import { crc32 } from '../encoding/crc32';
import { bundleFail, bundleOk, type BundleProblem, type BundleRead } from './bundle-problem';
import { locateZipEntries, type CentralRecord, type LocatedRecord } from './zip-layout';

/**
 * Random access to a file's bytes: the CLI reads a file handle, the browser slices a File, tests hand in an
 * array. The zip is read through its central directory, so only the entries asked for are ever in memory.
 */
export interface ByteSource {
  readonly size: number;
  read(offset: number, length: number): Promise<Uint8Array>;
}

export const bytesSource = (bytes: Uint8Array): ByteSource => ({
  size: bytes.length,
  read: (offset, length) => Promise.resolve(bytes.subarray(offset, offset + length)),
});

/**
 * Serves small reads from one window read ahead, so reading entries in file order costs one read per window
 * rather than two per entry (local header, then data).
 */
export function windowedSource(source: ByteSource, windowBytes = 8 * 1024 * 1024): ByteSource {
  let start = 0;
  let window: Uint8Array = new Uint8Array(0);
  return {
    size: source.size,
    async read(offset, length) {
      if (length > windowBytes) return source.read(offset, length);
      if (offset < start || offset + length > start + window.length) {
        start = offset;
        window = await source.read(offset, Math.min(windowBytes, source.size - offset));
      }
      return window.subarray(offset - start, offset - start + length);
    },
  };
}

export interface ZipLimits {
  /** The whole file, compressed. */
  readonly maxFileBytes: number;
  /** One entry, uncompressed: larger ones are refused alone. */
  readonly maxEntryBytes: number;
  /** All entries together, uncompressed, as the central directory declares them. */
  readonly maxTotalBytes: number;
  /** Declared uncompressed total ÷ file size: beyond it the file is a zip bomb, not a bundle. */
  readonly maxRatio: number;
}

/** An entry as the central directory lists it, with where its data starts (its local header checked against it). */
export type ZipEntry = LocatedRecord;

const MiB = 1024 * 1024;
export const formatBytes = (n: number): string =>
  n >= 1024 * MiB ? `${(n / 1024 / MiB).toFixed(n % (1024 * MiB) === 0 ? 0 : 1)} GiB` : n >= MiB ? `${(n / MiB).toFixed(1)} MiB` : `${n} bytes`;

const view = (bytes: Uint8Array): DataView => new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);

const EOCD = 0x06054b50;
const CENTRAL = 0x02014b50;

/** A name that could never be written outside a target folder: no absolute path, drive, backslash or dot segment. */
export function isSafeEntryName(name: string): boolean {
  if (name.length === 0 || name.length > 300) return false;
  // Control characters, a backslash (a Windows separator) or a colon (drive letter, alternate data stream).
  for (let i = 0; i < name.length; i++) {
    const code = name.charCodeAt(i);
    if (code < 0x20 || code === 0x7f || code === 0x5c || code === 0x3a) return false;
  }
  if (name.startsWith('/')) return false;
  const segments = name.endsWith('/') ? name.slice(0, -1).split('/') : name.split('/');
  return segments.every((s) => s !== '' && s !== '.' && s !== '..');
}

/**
 * Reads the central directory and checks the limits that make a file refused as a whole: its size, and the
 * declared uncompressed total and ratio (a zip bomb). Every entry is later inflated into a buffer of exactly
 * its declared size, so declared sizes bound memory whatever the compressed data says.
 */
export async function readZipDirectory(source: ByteSource, limits: ZipLimits): Promise<BundleRead<ZipEntry[]>> {
  const damaged: BundleProblem = { code: 'damagedZip' };
  const whole = (message: string, problem = damaged): BundleRead<ZipEntry[]> => bundleFail(problem, message);
  if (source.size > limits.maxFileBytes)
    return whole(`the file is ${formatBytes(source.size)}, over the limit of ${formatBytes(limits.maxFileBytes)}`, {
      code: 'tooLarge',
      size: formatBytes(source.size),
      limit: formatBytes(limits.maxFileBytes),
    });
  const tailLength = Math.min(source.size, 22 + 0xffff);
  const tail = await source.read(source.size - tailLength, tailLength);
  const tv = view(tail);
  let eocd = -1;
  for (let i = tail.length - 22; i >= 0; i--) {
    if (tv.getUint32(i, true) === EOCD) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) return whole('not a Ducha bundle: a damaged zip (no end of central directory)');
  const count = tv.getUint16(eocd + 10, true);
  const cdSize = tv.getUint32(eocd + 12, true);
  const cdOffset = tv.getUint32(eocd + 16, true);
  if (count === 0xffff || cdOffset === 0xffffffff || cdSize === 0xffffffff)
    return whole('a ZIP64 archive, which a Ducha bundle never is');
  if (cdOffset + cdSize > source.size) return whole('the zip directory points outside the file');
  // One reading only: the directory ends where its end record starts, the end record (and its comment) ends
  // the file, and one disk holds all. Anything else hides bytes a different reader could take for entries.
  const eocdAt = source.size - tailLength + eocd;
  const malformed = (message: string, offset: number): BundleRead<ZipEntry[]> =>
    bundleFail({ code: 'zipMalformed', offset }, `a malformed zip: ${message}`);
  if (tv.getUint16(eocd + 4, true) !== 0 || tv.getUint16(eocd + 6, true) !== 0 || tv.getUint16(eocd + 8, true) !== count)
    return malformed('its end record speaks of more than one disk', eocdAt);
  if (eocdAt + 22 + tv.getUint16(eocd + 20, true) !== source.size)
    return malformed(`its end record at offset ${eocdAt} does not end the file`, eocdAt);
  if (cdOffset + cdSize !== eocdAt)
    return malformed(`the central directory (offset ${cdOffset}, ${cdSize} bytes) does not end where its end record starts (offset ${eocdAt})`, cdOffset);
  const cd = await source.read(cdOffset, cdSize);
  const cv = view(cd);
  const records: CentralRecord[] = [];
  let total = 0;
  let at = 0;
  for (let i = 0; i < count; i++) {
    if (at + 46 > cd.length || cv.getUint32(at, true) !== CENTRAL) return whole('the zip directory is damaged');
    const nameLength = cv.getUint16(at + 28, true);
    const extraLength = cv.getUint16(at + 30, true);
    const commentLength = cv.getUint16(at + 32, true);
    if (at + 46 + nameLength > cd.length) return whole('the zip directory is damaged');
    const nameBytes = cd.slice(at + 46, at + 46 + nameLength);
    const record: CentralRecord = {
      flags: cv.getUint16(at + 8, true),
      method: cv.getUint16(at + 10, true),
      crc32: cv.getUint32(at + 16, true),
      compressedSize: cv.getUint32(at + 20, true),
      size: cv.getUint32(at + 24, true),
      localOffset: cv.getUint32(at + 42, true),
      nameBytes,
      name: strFromU8(nameBytes),
    };
    if (record.localOffset + 30 + record.compressedSize > source.size)
      return whole(`zip entry "${record.name}" points outside the file`);
    total += record.size;
    records.push(record);
    at += 46 + nameLength + extraLength + commentLength;
  }
  if (at !== cd.length)
    return malformed(`the central directory has ${cd.length - at} bytes beyond its ${count} entries`, cdOffset + at);
  const unpacked: BundleProblem = { code: 'tooBigUnpacked', size: formatBytes(total) };
  if (total > limits.maxTotalBytes)
    return whole(
      `it would unpack to ${formatBytes(total)}, over the limit of ${formatBytes(limits.maxTotalBytes)} (a zip bomb?)`,
      unpacked,
    );
  if (total > limits.maxRatio * Math.max(source.size, 1))
    return whole(
      `it would unpack to ${formatBytes(total)} from ${formatBytes(source.size)}, more than ${limits.maxRatio}× (a zip bomb)`,
      unpacked,
    );
  // Local headers are small and in file order: a 4 KiB read-ahead window takes several small entries per read and
  // only a page of each photo (64 KiB windows copied a quarter of a photo bundle just to see its headers).
  return locateZipEntries(windowedSource(source, 4 * 1024), records, cdOffset);
}

/**
 * One entry's bytes, or why not. An entry refused by policy (too large, encrypted, a method not read) refuses
 * only whoever needs it (`entryUnreadable`); bytes that fail their CRC-32 or do not inflate to the declared size
 * are a damaged or altered archive (`zipMalformed`), which the bundle reader refuses as a whole.
 */
export async function readZipEntry(
  source: ByteSource,
  entry: ZipEntry,
  limits: ZipLimits,
  checksum: (bytes: Uint8Array) => number = crc32,
): Promise<BundleRead<Uint8Array>> {
  const refuse = (message: string): BundleRead<Uint8Array> =>
    bundleFail({ code: 'entryUnreadable', entry: entry.name }, message, entry.name);
  const where = `zip entry "${entry.name}" at offset ${entry.localOffset}`;
  const malformed = (message: string): BundleRead<Uint8Array> =>
    bundleFail({ code: 'zipMalformed', entry: entry.name, offset: entry.localOffset }, `a malformed zip: ${where}: ${message}`, entry.name);
  if (entry.size > limits.maxEntryBytes)
    return refuse(`${entry.name} is ${formatBytes(entry.size)} uncompressed, over the per-entry limit of ${formatBytes(limits.maxEntryBytes)}`);
  if (entry.flags & 1) return refuse(`${entry.name} is encrypted`);
  if (entry.method !== 0 && entry.method !== 8)
    return refuse(`${entry.name} uses zip compression method ${entry.method} (only stored and deflate are read)`);
  const data = await source.read(entry.dataOffset, entry.compressedSize);
  let out: Uint8Array;
  if (entry.method === 0) {
    if (entry.compressedSize !== entry.size) return malformed('a stored entry whose sizes disagree');
    // A copy: a view would keep the whole read-ahead window alive for as long as the image is held.
    out = data.slice();
  } else {
    try {
      // One byte of room beyond the declared size: filling it means the data is longer than the zip says.
      out = inflateSync(data, { out: new Uint8Array(entry.size + 1) });
    } catch (error) {
      return malformed(`damaged compressed data (${error instanceof Error ? error.message : String(error)})`);
    }
    if (out.length !== entry.size) return malformed('it does not unpack to the size the zip declares');
  }
  const computed = checksum(out);
  if (computed !== entry.crc32)
    return malformed(
      `its bytes fail their CRC-32 check (the zip says ${entry.crc32.toString(16).padStart(8, '0')}, the bytes give ${computed.toString(16).padStart(8, '0')})`,
    );
  return bundleOk(out);
}
