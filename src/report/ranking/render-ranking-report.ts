import { jsPDF } from 'jspdf';
import { autoTable, type CellInput, type RowInput } from 'jspdf-autotable';
import { canonicalHash } from '../../domain/index';
import type { MonthRanking } from '../../domain/head-office';
import { addCachedFont } from '../embedded-font';
import { createFontPicker, FONT_IDS, type SheetFont } from '../font-choice';
import { pdfBytes } from '../jspdf-output';
import { breakLines } from '../line-break';
import { pdfDateUtc } from '../sheet-document';
import { RANKING_HEADINGS as H, belowTargetText, bpText, monthTitle, noteTexts } from './ranking-text';

export interface RankingReport {
  readonly bytes: Uint8Array<ArrayBuffer>;
  readonly pageCount: number;
  /** Characters no font could draw; printed as □ and listed at the end of the report. */
  readonly missingCharacters: readonly string[];
}

const PAGE = { width: 297, height: 210, margin: 12 } as const;
const CONTENT_WIDTH = PAGE.width - 2 * PAGE.margin;
const lineHeight = (fontSize: number): number => fontSize * 0.3528 * 1.35;

/**
 * The 月度综合排名 report: title and month, the rule, the weights, the ranking table, the 约谈 list and why a
 * rubric added nothing. A pure function of the ranking, the rule's wording and the fonts (fixed file id and
 * creation date): the same month makes the same bytes in the browser and in Node. A4 landscape, so a
 * column per rubric fits.
 */
export function renderRankingReport(
  ranking: MonthRanking,
  rule: string,
  fonts: { readonly subset: SheetFont; readonly fallback?: SheetFont },
): RankingReport {
  const pick = createFontPicker(fonts.subset, fonts.fallback);
  const missing = new Set<string>();
  const t = (text: string): { font: string; text: string } => {
    const picked = pick(text);
    for (const ch of picked.missing) missing.add(ch);
    return picked;
  };

  const doc = new jsPDF({
    unit: 'mm',
    format: 'a4',
    orientation: 'landscape',
    compress: true,
    putOnlyUsedFonts: true,
    floatPrecision: 2,
  });
  addCachedFont(doc, fonts.subset, FONT_IDS.subset);
  if (fonts.fallback) addCachedFont(doc, fonts.fallback, FONT_IDS.fallback);
  doc.setFileId(canonicalHash({ ranking, rule }).slice(0, 32));
  // The first instant of the month after: the report is of a closed month, and the date must not vary.
  doc.setCreationDate(pdfDateUtc(`${ranking.month}-01T00:00:00Z`));
  const title = `${ranking.title} ${monthTitle(ranking.month)}`;
  doc.setDocumentProperties({ title, creator: 'Ducha 督查' });

  let y = 16;
  const write = (text: string, size: number, options: { align?: 'center' } = {}) => {
    doc.setFontSize(size);
    const picked = t(text);
    doc.setFont(picked.font, 'normal');
    const lines = breakLines(picked.text, CONTENT_WIDTH, (line) => doc.getTextWidth(line));
    for (const line of lines) {
      if (y > PAGE.height - 14) {
        doc.addPage();
        y = 16;
      }
      const x = options.align === 'center' ? PAGE.width / 2 : PAGE.margin;
      doc.text(line, x, y, options.align ? { align: options.align } : undefined);
      y += lineHeight(size);
    }
    doc.setFont(FONT_IDS.subset, 'normal');
  };

  write(title, 15, { align: 'center' });
  y += 2;
  write(`末位规则:${rule}`, 9);
  write(
    `权重:${ranking.components.map((c) => `${c.rubricId}(${c.kind === 'kpi' ? '服务指标' : '评分表'})${String(c.weight)}`).join(' · ')}`,
    9,
  );
  write(
    '计算：每份考核得分率精确到 0.01%（四舍五入）；单位在某评分表的得分为其当月各份考核得分率的平均；综合得分为该单位当月各评分表得分按权重的加权平均。当月他处有考核而本单位未考核的评分表记为“未考核”，不计入；当月他处已报而本单位未报的服务指标记为“缺报”，按 0 分计入全部权重。服务指标未达标：实际数值未达到标准（以数值判断，不以四舍五入后的得分判断），或缺报。',
    8,
  );

  const ids = ranking.components.map((c) => c.rubricId);
  const cell = (content: string, halign: 'left' | 'center' = 'center'): CellInput => {
    const picked = t(content);
    return { content: picked.text, styles: { font: picked.font, halign } };
  };
  const body: RowInput[] = ranking.rows.map((row) => [
    cell(String(row.rank)),
    cell(row.siteName, 'left'),
    cell(bpText(row.scoreBp)),
    ...ids.map((id) => cell(bpText(row.parts.find((p) => p.rubricId === id)?.percentBp ?? null) || '—')),
    cell(String(row.coveredWeight)),
    cell(row.isBottom ? H.yes : ''),
    cell(row.isSummoned ? H.yes : ''),
    cell(belowTargetText(row), 'left'),
  ]);
  autoTable(doc, {
    startY: y + 1,
    head: [
      [
        H.rank,
        H.site,
        H.score,
        ...ids.map((id) => `${id}(%)`),
        H.covered,
        H.bottom,
        H.summoned,
        H.belowTarget,
      ],
    ],
    body,
    theme: 'grid',
    margin: { top: 14, bottom: 14, left: PAGE.margin, right: PAGE.margin },
    styles: {
      font: FONT_IDS.subset,
      fontStyle: 'normal',
      fontSize: 8,
      lineColor: [120, 120, 120],
      lineWidth: 0.15,
      textColor: [0, 0, 0],
      valign: 'middle',
      overflow: (text: string | string[], width: number) =>
        (Array.isArray(text) ? text : [text]).flatMap((line) =>
          breakLines(line, width, (piece) => doc.getTextWidth(piece)),
        ),
    },
    headStyles: { font: FONT_IDS.subset, fontStyle: 'normal', fillColor: [31, 78, 121], halign: 'center' },
    didDrawPage: (data) => {
      y = data.cursor?.y ?? y;
    },
  });
  y += 6;

  const summoned = ranking.rows.filter((r) => r.isSummoned);
  write('约谈名单', 11);
  if (summoned.length === 0) write('本月无(末位单位没有未达标的服务指标,或没有末位单位)。', 9);
  for (const row of summoned)
    write(
      `${row.siteName}:第 ${String(row.rank)} 名,综合得分 ${bpText(row.scoreBp)}%;未达标指标:${belowTargetText(row) || '—'}`,
      9,
    );
  if (ranking.unranked.length > 0)
    write(`未排名(当月考核全部不适用):${ranking.unranked.map((s) => s.siteName).join('、')}`, 9);
  const notes = noteTexts(ranking);
  if (notes.length > 0) {
    y += 2;
    write('说明', 11);
    for (const note of notes) write(note, 9);
  }
  if (missing.size > 0)
    write(
      `以下字符无法显示,印为 □:${[...missing].map((ch) => `U+${(ch.codePointAt(0) ?? 0).toString(16).toUpperCase()}`).join(' ')}`,
      8,
    );

  const pageCount = doc.getNumberOfPages();
  for (let page = 1; page <= pageCount; page++) {
    doc.setPage(page);
    doc.setFontSize(8);
    doc.setFont(FONT_IDS.subset, 'normal');
    doc.text(`${title} · 第 ${String(page)} / ${String(pageCount)} 页`, PAGE.width / 2, PAGE.height - 7, {
      align: 'center',
    });
  }
  return { bytes: pdfBytes(doc), pageCount, missingCharacters: [...missing] };
}
