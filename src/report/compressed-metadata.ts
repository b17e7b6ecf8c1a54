import type { jsPDF } from 'jspdf';
import { objectWriter, onDocumentEvent, writeStream } from './jspdf-output';

// jsPDF's addMetadata writes the XMP packet uncompressed, and a sealed sheet's packet carries the whole
// seal (about 23 KB of base64). This writes the same packet as a Flate-compressed metadata stream (about
// 8 KB); readers that look for the seal (`ducha verify`, src/verify/pdf-inspect.ts) inflate streams anyway.

/**
 * The packet jsPDF's addMetadata(metadata, namespaceUri) writes, except that quotes are left as they are
 * (XML text needs only &, < and > escaped): the JSON it carries is full of them.
 */
function xmpPacket(metadata: string, namespaceUri: string): string {
  const escaped = metadata.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  return (
    '<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">' +
    `<rdf:Description rdf:about="" xmlns:jspdf="${namespaceUri}"><jspdf:metadata>${escaped}</jspdf:metadata>` +
    '</rdf:Description></rdf:RDF></x:xmpmeta>'
  );
}

/**
 * Adds an XMP metadata stream to `doc`, compressed: the packet addMetadata(metadata, namespaceUri) would
 * write, referenced from the catalog.
 */
export function addCompressedMetadata(doc: jsPDF, metadata: string, namespaceUri: string): void {
  const packet = new TextEncoder().encode(xmpPacket(metadata, namespaceUri));
  const writer = objectWriter(doc);
  let objectNumber: number | undefined;
  onDocumentEvent(doc, 'postPutResources', () => {
    objectNumber = writer.newObject();
    writeStream(writer, '/Type /Metadata /Subtype /XML', packet);
  });
  onDocumentEvent(doc, 'putCatalog', () => {
    if (objectNumber === undefined) throw new Error('the metadata stream was not written');
    writer.write(`/Metadata ${String(objectNumber)} 0 R`);
  });
}
