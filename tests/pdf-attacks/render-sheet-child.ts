// Renders a sealed sheet in a separate process, so a test can choose its time zone (TZ) and compare bytes.
// Usage: tsx render-sheet-child.ts <envelope.json> <out.pdf>
import { readFileSync, writeFileSync } from 'node:fs';
import { sealedEnvelopeSchema } from '../../src/domain/index';
import { renderSealedSheet } from '../../src/report/sealed-sheet';
import { imagesOf, subsetFont } from '../support/sealed-audit';

const [input, out] = process.argv.slice(2);
if (input === undefined || out === undefined)
  throw new Error('usage: render-sheet-child <envelope.json> <out.pdf>');
const envelope = sealedEnvelopeSchema.parse(JSON.parse(readFileSync(input, 'utf8')));
const sheet = renderSealedSheet(envelope, { fonts: { subset: subsetFont }, images: imagesOf() });
writeFileSync(out, sheet.bytes);
process.stdout.write(
  `${Intl.DateTimeFormat().resolvedOptions().timeZone} ${String(new Date(0).getTimezoneOffset())}\n`,
);
