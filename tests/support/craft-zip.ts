// Zips built byte by byte with a chosen fault, for the reader's tests: every field of the local header, the data
// descriptor and the central directory can be overridden, and bytes no entry owns can be put anywhere.
import { deflateSync, strToU8 } from 'fflate';
import { crc32 } from '../../src/domain/encoding/crc32';

export interface ZipFields {
  readonly name: string;
  readonly flags: number;
  readonly method: number;
  readonly crc32: number;
  readonly compressedSize: number;
  readonly size: number;
}

export interface CraftEntry {
  readonly name: string;
  /** Uncompressed. */
  readonly data: Uint8Array;
  readonly deflate?: boolean;
  /** Flag bit 3: zeros in the local header, CRC and sizes after the data (with or without its signature). */
  readonly descriptor?: 'signed' | 'unsigned';
  readonly local?: Partial<ZipFields>;
  readonly central?: Partial<ZipFields & { localOffset: number }>;
  readonly described?: Partial<Pick<ZipFields, 'crc32' | 'compressedSize' | 'size'>>;
  /** The bytes written as data instead of the real ones; the headers still describe the real ones. */
  readonly writtenData?: Uint8Array;
  /** Bytes placed just before this entry's local header, which no central record lists. */
  readonly before?: Uint8Array;
}

export interface CraftOptions {
  /** Bytes between the last entry and the central directory. */
  readonly beforeDirectory?: Uint8Array;
  /** Central records appended beyond those the end record counts. */
  readonly uncountedRecords?: readonly CraftEntry[];
  /** Bytes after the end record (beyond its comment). */
  readonly afterEnd?: Uint8Array;
}

class Bytes {
  private readonly parts: number[] = [];
  u16(n: number): this {
    this.parts.push(n & 0xff, (n >>> 8) & 0xff);
    return this;
  }
  u32(n: number): this {
    return this.u16(n & 0xffff).u16(n >>> 16);
  }
  raw(bytes: Uint8Array): this {
    for (const b of bytes) this.parts.push(b);
    return this;
  }
  get length(): number {
    return this.parts.length;
  }
  done(): Uint8Array {
    return Uint8Array.from(this.parts);
  }
}

interface Built {
  readonly fields: ZipFields;
  readonly compressed: Uint8Array;
}

function build(entry: CraftEntry): Built {
  const compressed = entry.deflate ? deflateSync(entry.data) : entry.data;
  return {
    compressed,
    fields: {
      name: entry.name,
      flags: entry.descriptor ? 0x0008 : 0,
      method: entry.deflate ? 8 : 0,
      crc32: crc32(entry.data),
      compressedSize: compressed.length,
      size: entry.data.length,
    },
  };
}

/** One entry as it sits in the file: local header, name, data and descriptor. Also a ready-made hidden copy. */
export function localEntry(entry: CraftEntry): Uint8Array {
  const { fields, compressed } = build(entry);
  const local = { ...fields, ...(entry.descriptor ? { crc32: 0, compressedSize: 0, size: 0 } : {}), ...entry.local };
  const name = strToU8(local.name);
  const out = new Bytes()
    .u32(0x04034b50)
    .u16(20)
    .u16(local.flags)
    .u16(local.method)
    .u16(0)
    .u16(0x21)
    .u32(local.crc32)
    .u32(local.compressedSize)
    .u32(local.size)
    .u16(name.length)
    .u16(0)
    .raw(name)
    .raw(entry.writtenData ?? compressed);
  if (entry.descriptor) {
    const described = { ...fields, ...entry.described };
    if (entry.descriptor === 'signed') out.u32(0x08074b50);
    out.u32(described.crc32).u32(described.compressedSize).u32(described.size);
  }
  return out.done();
}

function centralRecord(entry: CraftEntry, localOffset: number): Uint8Array {
  const central = { ...build(entry).fields, localOffset, ...entry.central };
  const name = strToU8(central.name);
  return new Bytes()
    .u32(0x02014b50)
    .u16(20)
    .u16(20)
    .u16(central.flags)
    .u16(central.method)
    .u16(0)
    .u16(0x21)
    .u32(central.crc32)
    .u32(central.compressedSize)
    .u32(central.size)
    .u16(name.length)
    .u16(0)
    .u16(0)
    .u16(0)
    .u16(0)
    .u32(0)
    .u32(central.localOffset)
    .raw(name)
    .done();
}

export function craftZip(entries: readonly CraftEntry[], options: CraftOptions = {}): Uint8Array {
  const file = new Bytes();
  const directory = new Bytes();
  for (const entry of entries) {
    if (entry.before) file.raw(entry.before);
    directory.raw(centralRecord(entry, file.length));
    file.raw(localEntry(entry));
  }
  for (const extra of options.uncountedRecords ?? []) directory.raw(centralRecord(extra, 0));
  if (options.beforeDirectory) file.raw(options.beforeDirectory);
  const cdOffset = file.length;
  file.raw(directory.done());
  file
    .u32(0x06054b50)
    .u16(0)
    .u16(0)
    .u16(entries.length)
    .u16(entries.length)
    .u32(directory.length)
    .u32(cdOffset)
    .u16(0);
  if (options.afterEnd) file.raw(options.afterEnd);
  return file.done();
}
