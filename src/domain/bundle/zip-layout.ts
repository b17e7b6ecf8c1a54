import { strFromU8 } from 'fflate';
import { bundleFail, bundleOk, type BundleRead } from './bundle-problem';
import type { ByteSource } from './zip-reader';

const LOCAL = 0x04034b50;
const DESCRIPTOR = 0x08074b50;
/** General-purpose flag bit 3: the CRC and sizes follow the data (streaming writers, fflate's Zip among them). */
const HAS_DESCRIPTOR = 0x0008;

/** One central-directory record, as the directory states it, before its local header has been seen. */
export interface CentralRecord {
  readonly name: string;
  readonly nameBytes: Uint8Array;
  readonly flags: number;
  readonly method: number;
  readonly crc32: number;
  readonly compressedSize: number;
  readonly size: number;
  readonly localOffset: number;
}

/** Where a record's data starts once its local header has been checked against the directory. */
export interface LocatedRecord extends CentralRecord {
  readonly dataOffset: number;
}

const view = (bytes: Uint8Array): DataView => new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
const hex = (n: number): string => n.toString(16).padStart(8, '0');
const sameBytes = (a: Uint8Array, b: Uint8Array): boolean => a.length === b.length && a.every((x, i) => x === b[i]);

/**
 * A zip a Ducha reader trusts has one reading only. Every local header must say what the central directory says
 * (name, method, flags, CRC and sizes, or zeros and a data descriptor that says them), and every byte before the
 * central directory must belong to exactly one listed entry: its local header, name, extra field, data and
 * descriptor, back to back from byte 0. So a second local copy of an entry (placed before the genuine one, which a
 * reader that scans local headers would take instead), bytes smuggled between entries, entries that overlap each
 * other or the directory, or a directory entry pointing into the middle of another are all refused as a malformed
 * archive, with the entry and the offset where the reading went wrong.
 */
export async function locateZipEntries(
  source: ByteSource,
  records: readonly CentralRecord[],
  cdOffset: number,
): Promise<BundleRead<LocatedRecord[]>> {
  const malformed = (message: string, entry?: string, offset?: number): BundleRead<LocatedRecord[]> =>
    bundleFail(
      { code: 'zipMalformed', ...(entry === undefined ? {} : { entry }), ...(offset === undefined ? {} : { offset }) },
      `a malformed zip: ${message}`,
    );
  const ordered = [...records].sort((a, b) => a.localOffset - b.localOffset);
  const located: LocatedRecord[] = [];
  let expected = 0;
  let previous: string | undefined;
  for (const record of ordered) {
    const { name, localOffset: at } = record;
    const where = `zip entry "${name}" at offset ${at}`;
    if (at < expected)
      return malformed(
        previous === undefined
          ? `${where} overlaps another entry`
          : `${where} starts inside "${previous}", which runs to offset ${expected}`,
        name,
        at,
      );
    if (at > expected)
      return malformed(
        `bytes ${expected} to ${at - 1} belong to no entry the central directory lists (a hidden local copy, or data smuggled in), before ${where}`,
        name,
        expected,
      );
    if (at + 30 > cdOffset) return malformed(`${where}: its local header runs into the central directory`, name, at);
    const header = await source.read(at, 30);
    const hv = view(header);
    if (header.length < 30 || hv.getUint32(0, true) !== LOCAL)
      return malformed(`${where}: no local header where the central directory says it starts`, name, at);
    const nameLength = hv.getUint16(26, true);
    const extraLength = hv.getUint16(28, true);
    const dataOffset = at + 30 + nameLength + extraLength;
    if (dataOffset + record.compressedSize > cdOffset)
      return malformed(`${where}: its data runs into the central directory`, name, at);
    const localName = await source.read(at + 30, nameLength);
    if (!sameBytes(localName, record.nameBytes))
      return malformed(`${where}: its local header names "${strFromU8(localName, true)}"`, name, at);
    const flags = hv.getUint16(6, true);
    if (flags !== record.flags)
      return malformed(`${where}: its local header has flags ${flags}, the central directory ${record.flags}`, name, at);
    const method = hv.getUint16(8, true);
    if (method !== record.method)
      return malformed(`${where}: its local header says method ${method}, the central directory ${record.method}`, name, at);
    const stated = { crc32: hv.getUint32(14, true), compressedSize: hv.getUint32(18, true), size: hv.getUint32(22, true) };
    let end = dataOffset + record.compressedSize;
    // With a descriptor the header may leave CRC and sizes as zeros; whatever it does state must still agree.
    const isDeferred = (flags & HAS_DESCRIPTOR) !== 0 && stated.crc32 === 0 && stated.compressedSize === 0 && stated.size === 0;
    const mismatch = (what: string, local: number, central: number): BundleRead<LocatedRecord[]> =>
      malformed(`${where}: its ${what} says ${what.endsWith('CRC-32') ? hex(local) : local}, the central directory ${what.endsWith('CRC-32') ? hex(central) : central}`, name, at);
    if (!isDeferred) {
      if (stated.crc32 !== record.crc32) return mismatch('local header CRC-32', stated.crc32, record.crc32);
      if (stated.compressedSize !== record.compressedSize)
        return mismatch('local header compressed size', stated.compressedSize, record.compressedSize);
      if (stated.size !== record.size) return mismatch('local header size', stated.size, record.size);
    }
    if ((flags & HAS_DESCRIPTOR) !== 0) {
      const descriptor = await source.read(end, Math.min(16, Math.max(0, cdOffset - end)));
      const dv = view(descriptor);
      const signed = descriptor.length >= 4 && dv.getUint32(0, true) === DESCRIPTOR;
      const length = signed ? 16 : 12;
      if (descriptor.length < length)
        return malformed(`${where}: its data descriptor runs into the central directory`, name, end);
      const base = signed ? 4 : 0;
      const described = {
        crc32: dv.getUint32(base, true),
        compressedSize: dv.getUint32(base + 4, true),
        size: dv.getUint32(base + 8, true),
      };
      if (described.crc32 !== record.crc32) return mismatch('data descriptor CRC-32', described.crc32, record.crc32);
      if (described.compressedSize !== record.compressedSize)
        return mismatch('data descriptor compressed size', described.compressedSize, record.compressedSize);
      if (described.size !== record.size) return mismatch('data descriptor size', described.size, record.size);
      end += length;
    }
    located.push({ ...record, dataOffset });
    expected = end;
    previous = name;
  }
  if (expected !== cdOffset)
    return malformed(
      `bytes ${expected} to ${cdOffset - 1} belong to no entry the central directory lists (a hidden local copy, or data smuggled in), before the central directory`,
      undefined,
      expected,
    );
  return bundleOk(located);
}
