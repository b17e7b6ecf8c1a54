// The sheet's header and table as an HTML page, in the same font, for Chromium's own page.pdf(): what a
// browser takes to print the same rows. No photos, signature images or QR code (the sheet has those too).
import type { AuditExport } from '../../src/domain/index';
import { scoreOfSealedPayload } from '../../src/report/sealed-sheet';
import { buildSheetModel } from '../../src/report/sheet-model';
import { SHEET_COLUMNS } from '../../src/report/render-score-sheet';

const escape = (text: string): string =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/\n/g, '<br>');

export function tableHtml(exported: AuditExport, fontUrl: string): string {
  const { rubric, audit } = exported.envelope.payload;
  const model = buildSheetModel(
    rubric,
    audit,
    scoreOfSealedPayload(exported.envelope.payload),
    'Asia/Shanghai',
  );
  const rows = model.rows
    .map(
      (row) =>
        `<tr class="${row.isUnit ? 'unit' : 'item'}">${row.cells
          .map((cell, i) => `<td class="c${String(i)}">${escape(cell)}</td>`)
          .join('')}</tr>`,
    )
    .join('\n');
  const totalPoints = rubric.items.reduce((acc, i) => acc + Math.round(i.points * 100), 0) / 100;
  return `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><style>
@font-face { font-family: Sheet; src: url('${fontUrl}') format('truetype'); }
@page { size: A4; margin: 12mm 12mm 16mm 12mm; }
body { font-family: Sheet; margin: 0; font-size: 10pt; }
h1 { font-size: 15pt; text-align: center; font-weight: normal; margin: 0 0 3mm; }
.meta { color: #5a5a5a; font-size: 8.5pt; }
table { border-collapse: collapse; width: 186mm; font-size: 7.6pt; margin-top: 3mm; }
th { background: #1f4e79; color: #fff; font-weight: normal; font-size: 8.5pt; }
td, th { border: 0.15mm solid #787878; padding: 1.4mm; vertical-align: middle; }
tr.item td { background: #eef1f5; }
td.c0, td.c4, td.c5 { text-align: center; }
tr { break-inside: avoid; }
thead { display: table-header-group; }
${SHEET_COLUMNS.map((c, i) => `.c${String(i)} { width: ${String(c.width)}mm; }`).join('\n')}
</style></head><body>
<h1>${escape(model.title)}</h1>
<div>${escape(model.siteLine)} <span style="float:right">${escape(model.form)}</span></div>
<div>${escape(model.auditLine)}</div>
<div class="meta">${escape(model.metaLine)}</div>
<table><thead><tr>${SHEET_COLUMNS.map((c, i) => `<th class="c${String(i)}">${c.heading}</th>`).join('')}</tr></thead>
<tbody>
${rows}
<tr><td colspan="4" style="text-align:center">合计</td><td class="c4">${String(totalPoints)}</td><td class="c5">${escape(model.total)}</td></tr>
</tbody></table>
<p>${model.signers.map((s) => `${escape(s.role)}签名:${escape(s.name)} 签署时间:${escape(s.signedAt)}`).join('<br>')}</p>
<p class="meta">${escape(model.footer)}</p>
</body></html>`;
}
