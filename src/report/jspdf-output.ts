import { zlibSync } from 'fflate';
import type { jsPDF } from 'jspdf';

// jsPDF runs event handlers inside try/catch and only logs what they throw, so a handler that fails
// while the file is written would leave a broken PDF that looks made. Handlers subscribed here record
// their failure, and pdfBytes throws it instead of returning the file.

const failures = new WeakMap<jsPDF, unknown>();

/** Subscribes `handler` to a jsPDF event of `doc`; a throw fails pdfBytes(doc). */
export function onDocumentEvent(doc: jsPDF, topic: string, handler: (args: unknown) => void): void {
  doc.internal.events.subscribe(topic, (args: unknown) => {
    try {
      handler(args);
    } catch (error) {
      if (!failures.has(doc)) failures.set(doc, error);
    }
  });
}

/** The finished PDF, or what a handler threw while it was written. */
export function pdfBytes(doc: jsPDF): Uint8Array<ArrayBuffer> {
  const bytes = new Uint8Array(doc.output('arraybuffer'));
  if (failures.has(doc)) {
    const failure = failures.get(doc);
    throw failure instanceof Error ? failure : new Error(String(failure));
  }
  return bytes;
}

/** The jsPDF internals (untyped in its declarations) that writing an object of one's own needs. */
export interface ObjectWriter {
  readonly newObject: () => number;
  readonly write: (line: string) => void;
}

export function objectWriter(doc: jsPDF): ObjectWriter {
  const internal: unknown = doc.internal;
  const get = (key: string): unknown =>
    typeof internal === 'object' && internal !== null ? Reflect.get(internal, key) : undefined;
  const newObject = get('newObject');
  const write = get('write');
  if (typeof newObject !== 'function' || typeof write !== 'function')
    throw new Error('jsPDF cannot write objects of its own here');
  return {
    newObject: () => {
      const objectNumber: unknown = Reflect.apply(newObject, internal, []);
      if (typeof objectNumber !== 'number') throw new Error('jsPDF gave no object number');
      return objectNumber;
    },
    write: (line) => {
      Reflect.apply(write, internal, [line]);
    },
  };
}

const utf16 = new TextDecoder('utf-16le');
/**
 * Bytes as a string of char codes 0–255, which is how jsPDF holds a file until it is output: each byte
 * widened to a UTF-16 code unit and decoded at once, ten times faster than String.fromCharCode in chunks.
 * (A "latin1" TextDecoder would not do: it is windows-1252, which changes 0x80–0x9F.)
 */
export function binaryString(bytes: Uint8Array): string {
  return utf16.decode(Uint16Array.from(bytes));
}

/**
 * Writes `data` as a Flate-compressed stream object (after newObject): its dictionary entries, the stream
 * and endobj. Level 6, as jsPDF compresses pages: level 9 took twice as long for a font program 0.1 % smaller.
 */
export function writeStream(writer: ObjectWriter, entries: string, data: Uint8Array): void {
  const compressed = zlibSync(data, { level: 6 });
  writer.write(
    `<< ${entries}${entries ? ' ' : ''}/Filter /FlateDecode /Length ${String(compressed.length)} >>`,
  );
  writer.write('stream');
  writer.write(binaryString(compressed));
  writer.write('endstream');
  writer.write('endobj');
}
