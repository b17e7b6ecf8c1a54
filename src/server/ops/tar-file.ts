import type { FileHandle } from 'node:fs/promises';

const BLOCK = 512;

function header(name: string, size: number): Uint8Array {
  const block = new Uint8Array(BLOCK);
  const put = (text: string, at: number, length: number) => {
    const bytes = new TextEncoder().encode(text);
    if (bytes.length > length) throw new Error(`tar field too long: ${text}`);
    block.set(bytes, at);
  };
  const octal = (n: number, length: number) => n.toString(8).padStart(length - 1, '0');
  put(name, 0, 100);
  put(octal(0o644, 8), 100, 8);
  put(octal(0, 8), 108, 8);
  put(octal(0, 8), 116, 8);
  put(octal(size, 12), 124, 12);
  put(octal(0, 12), 136, 12);
  put('        ', 148, 8);
  put('0', 156, 1);
  put('ustar\u000000', 257, 8);
  let sum = 0;
  for (const byte of block) sum += byte;
  put(`${octal(sum, 7)}\u0000`, 148, 8);
  return block;
}

/**
 * A plain ustar archive written entry by entry: any `tar tf` lists a backup, and nothing beyond node:fs is
 * needed to make or read one. Entries are written whole, in order; `finish` adds the two end blocks.
 */
export class TarWriter {
  /** Where the next entry starts. */
  private at = 0;

  constructor(private readonly file: FileHandle) {}

  async add(name: string, bytes: Uint8Array | string): Promise<void> {
    const content = typeof bytes === 'string' ? new TextEncoder().encode(bytes) : bytes;
    await this.file.write(header(name, content.length), 0, BLOCK, this.at);
    await this.file.write(content, 0, content.length, this.at + BLOCK);
    const padded = Math.ceil(content.length / BLOCK) * BLOCK;
    const pad = padded - content.length;
    if (pad > 0) await this.file.write(new Uint8Array(pad), 0, pad, this.at + BLOCK + content.length);
    this.at += BLOCK + padded;
  }

  /**
   * A text entry whose final content is known only later (a manifest that counts what follows it): written
   * now, padded with spaces to `room` bytes; the function returned writes the final text over it, padded the
   * same way, and refuses text longer than the room.
   */
  async addRewritable(name: string, text: string, room: number): Promise<(final: string) => Promise<void>> {
    const padded = (value: string): Uint8Array => {
      const bytes = new TextEncoder().encode(value);
      if (bytes.length > room) throw new Error(`${name} outgrew the ${room} bytes kept for it`);
      const out = new Uint8Array(room).fill(0x20);
      out.set(bytes);
      return out;
    };
    const contentAt = this.at + BLOCK;
    await this.add(name, padded(text));
    return async (final) => {
      await this.file.write(padded(final), 0, room, contentAt);
    };
  }

  async finish(): Promise<void> {
    await this.file.write(new Uint8Array(BLOCK * 2), 0, BLOCK * 2, this.at);
    this.at += BLOCK * 2;
  }
}

/** Every entry of a ustar archive in order; throws on a damaged header (a backup cut short, or another file). */
export async function* readTar(file: FileHandle): AsyncIterable<{ readonly name: string; readonly bytes: Uint8Array }> {
  let at = 0;
  for (;;) {
    const block = new Uint8Array(BLOCK);
    const { bytesRead } = await file.read(block, 0, BLOCK, at);
    if (bytesRead < BLOCK) throw new Error(`the archive ends inside a header at byte ${at}: it is incomplete`);
    if (block.every((b) => b === 0)) return;
    const text = (from: number, length: number) => {
      const field = block.subarray(from, from + length);
      const end = field.indexOf(0);
      return new TextDecoder().decode(end === -1 ? field : field.subarray(0, end));
    };
    let sum = 0;
    for (let i = 0; i < BLOCK; i++) sum += i >= 148 && i < 156 ? 32 : (block[i] ?? 0);
    if (Number.parseInt(text(148, 8).trim(), 8) !== sum)
      throw new Error(`the archive header at byte ${at} is damaged (checksum)`);
    const name = text(0, 100);
    const size = Number.parseInt(text(124, 12).trim(), 8);
    const bytes = new Uint8Array(size);
    const read = size === 0 ? 0 : (await file.read(bytes, 0, size, at + BLOCK)).bytesRead;
    if (read < size) throw new Error(`the archive ends inside ${name}: it is incomplete`);
    yield { name, bytes };
    at += BLOCK + Math.ceil(size / BLOCK) * BLOCK;
  }
}
