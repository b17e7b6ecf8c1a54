import { GState, jsPDF } from 'jspdf';
import { autoTable, type CellInput, type RowInput } from 'jspdf-autotable';
import { create as createQr } from 'qrcode';
import {
  canonicalHash,
  canonicalJson,
  keyFingerprint,
  rubricFingerprint,
  sha256Hex,
  type Audit,
  type Rubric,
  type ScoreResult,
} from '../domain/index';
import { addCompressedMetadata } from './compressed-metadata';
import { addCachedFont } from './embedded-font';
import { objectWriter, pdfBytes } from './jspdf-output';
import { createFontPicker, FONT_IDS } from './font-choice';
import { breakLines } from './line-break';
import { fitInside } from './photo-fit';
import { qrOperators } from './qr-runs';
import {
  pdfDateUtc,
  SEAL_BEGIN,
  SEAL_END,
  SEAL_NAMESPACE,
  markerSafeJson,
  shortHash,
  type ScoreSheet,
  type ScoreSheetAssets,
} from './sheet-document';
import { buildSheetModel, sheetText } from './sheet-model';
import {
  isPublicBaseUrl,
  RENDERER_BEGIN,
  RENDERER_END,
  rendererRecord,
  SHEET_RENDERER_VERSION,
  verifyPageUrl,
} from './sheet-record';
import { DEFAULT_SHEET_TIME_ZONE, zonedDateTime } from './sheet-time';
import { isTimeZone } from './csv';

const PAGE = { width: 210, height: 297, margin: 12 } as const;
const CONTENT_WIDTH = PAGE.width - PAGE.margin * 2;
const GREY: [number, number, number] = [90, 90, 90];
/** Table columns (mm): 序号 | 项目 | 标准 | 考核与评分方法 | 标准分值 | 实际得分. Each heading fits on one line. */
export const SHEET_COLUMNS = [
  { heading: '序号', width: 12 },
  { heading: '项目', width: 18 },
  { heading: '标准', width: 70 },
  { heading: '考核与评分方法', width: 48 },
  { heading: '标准分值', width: 16 },
  { heading: '实际得分', width: 22 },
] as const;
export const SHEET_CELL_PADDING = 1.4;
export const SHEET_HEAD_FONT_SIZE = 8.5;
/** A photo in the appendix is at most this tall (mm), and at most a column wide. */
const PHOTO_MAX_HEIGHT = 80;
/** Baseline to baseline (mm) for text of this size in points. */
const lineHeight = (fontSize: number): number => fontSize * 0.3528 * 1.25;

/**
 * The score sheet as PDF bytes: a pure function of its data. It mirrors the paper 督办记录表 (title,
 * header, 序号|项目|标准|考核与评分方法|标准分值|实际得分, 合计), adds signatures, the seal and an evidence
 * appendix, and embeds the sealed envelope so the PDF alone can be verified. Every time is printed in
 * `assets.timeZone` and names it; that zone is recorded beside the seal.
 */
export function renderScoreSheet(
  rubric: Rubric,
  audit: Audit,
  score: ScoreResult,
  assets: ScoreSheetAssets,
): ScoreSheet {
  const timeZone = assets.timeZone ?? DEFAULT_SHEET_TIME_ZONE;
  if (!isTimeZone(timeZone)) throw new Error(`renderScoreSheet: unknown time zone "${timeZone}"`);
  const { publicUrl } = assets;
  if (publicUrl !== undefined && !isPublicBaseUrl(publicUrl))
    throw new Error(`renderScoreSheet: "${publicUrl}" is not an http(s) base URL without query or fragment`);
  // Only a sealed sheet can be verified, so only it names the page.
  const verifyLine = assets.seal && publicUrl !== undefined ? `验证 Verify：${publicUrl}/#/verify` : undefined;
  const model = buildSheetModel(rubric, audit, score, timeZone);
  const sealLine = assets.seal
    ? `设备密钥 ${keyFingerprint(assets.seal.payload.publicKey)} · 签章时间 ${zonedDateTime(assets.seal.payload.sealedAt, timeZone)}`
    : '';
  // Every line is checked up front, so the note listing undrawable characters (printed mid-sheet) is
  // complete, and so the fallback font is embedded only when some text needs it: a sheet that does not
  // need it must not depend on it, or it could not be reproduced where that font is not installed.
  const lines = [
    ...sheetText(model).split('\n'),
    ...model.photos.map((photo) => (photo.note ? `${photo.caption}:${photo.note}` : photo.caption)),
    sealLine,
    verifyLine ?? '',
  ];
  const probe = createFontPicker(assets.fonts.subset, assets.fonts.fallback);
  const needsFallback = lines.some((line) => probe(line).font === FONT_IDS.fallback);
  const { subset } = assets.fonts;
  const fallback = needsFallback ? assets.fonts.fallback : undefined;
  const pick = createFontPicker(subset, fallback);
  const missing = new Set<string>();
  let usedFallbackFont = false;
  /** Picks the font for a piece of text, records what cannot be drawn, and returns what to print. */
  const t = (text: string): { font: string; text: string } => {
    const picked = pick(text);
    for (const ch of picked.missing) missing.add(ch);
    if (picked.font === FONT_IDS.fallback) usedFallbackFont = true;
    return picked;
  };
  /** The text's lines no wider than maxWidth at the current size, in the font it needs (which stays set). */
  const wrap = (text: string, maxWidth: number): string[] => {
    const picked = t(text);
    doc.setFont(picked.font, 'normal');
    return breakLines(picked.text, maxWidth, (line) => doc.getTextWidth(line));
  };
  /** doc.text in whichever font can draw this text, broken into lines no wider than maxWidth; returns the line count. */
  const write = (
    text: string,
    x: number,
    y: number,
    options: { maxWidth: number; align?: 'left' | 'center' | 'right' },
  ): number => {
    const wrapped = wrap(text, options.maxWidth);
    const step = lineHeight(doc.getFontSize());
    wrapped.forEach((line, i) => {
      doc.text(line, x, y + i * step, options.align ? { align: options.align } : undefined);
    });
    doc.setFont(FONT_IDS.subset, 'normal');
    return wrapped.length;
  };

  // Only the fonts the sheet uses are written (not jsPDF's 14 standard ones), and coordinates to a
  // hundredth of a point (not sixteen digits), which no reader can tell apart.
  const doc = new jsPDF({
    unit: 'mm',
    format: 'a4',
    orientation: 'portrait',
    compress: true,
    putOnlyUsedFonts: true,
    floatPrecision: 2,
  });
  // Each font is parsed once per set of bytes and only the glyphs drawn are embedded (embedded-font.ts).
  addCachedFont(doc, subset, FONT_IDS.subset);
  if (fallback) addCachedFont(doc, fallback, FONT_IDS.fallback);
  doc.setFont(FONT_IDS.subset, 'normal');
  for (const line of lines) t(line);
  // Same inputs, same bytes (so `ducha verify` can re-make the file): jsPDF's file ID is random and its
  // creation date carries the local time zone unless both are given.
  doc.setFileId(
    (assets.seal?.hash ?? canonicalHash({ audit, rubric: rubricFingerprint(rubric) })).slice(0, 32),
  );
  doc.setCreationDate(pdfDateUtc(audit.finalisedAt ?? audit.updatedAt));
  doc.setDocumentProperties({
    title: `${rubric.form} ${model.siteLine}`,
    subject: rubric.title,
    creator: 'Ducha 督查',
  });
  // One XMP block, compressed: how to re-make this file, then the seal it shows. Canonical JSON, so a
  // verifier embeds the same text from the parsed envelope whatever its key order.
  const record = rendererRecord(
    { subset, ...(fallback ? { fallback } : {}) },
    SHEET_RENDERER_VERSION,
    timeZone,
    assets.seal ? publicUrl : undefined,
  );
  addCompressedMetadata(
    doc,
    `${RENDERER_BEGIN}${markerSafeJson(canonicalJson(record))}${RENDERER_END}` +
      (assets.seal ? `${SEAL_BEGIN}${markerSafeJson(canonicalJson(assets.seal))}${SEAL_END}` : ''),
    SEAL_NAMESPACE,
  );

  // Header, as on the paper form: title; 被考核单位 with the form number at the right; 考核时间; who and how.
  doc.setFontSize(15);
  write(model.title, PAGE.width / 2, 16, { maxWidth: CONTENT_WIDTH, align: 'center' });
  doc.setFontSize(10);
  // Measured in the font that draws it (wrap sets it), on one line however long.
  const formWidth = Math.max(...wrap(model.form, Infinity).map((line) => doc.getTextWidth(line)));
  write(model.form, PAGE.width - PAGE.margin, 24, { maxWidth: formWidth, align: 'right' });
  let headerY =
    24 +
    (write(model.siteLine, PAGE.margin, 24, { maxWidth: CONTENT_WIDTH - formWidth - 6 }) - 1) *
      lineHeight(10);
  headerY += 5.5;
  headerY += (write(model.auditLine, PAGE.margin, headerY, { maxWidth: CONTENT_WIDTH }) - 1) * lineHeight(10);
  doc.setTextColor(...GREY);
  doc.setFontSize(8.5);
  headerY += 5;
  headerY += (write(model.metaLine, PAGE.margin, headerY, { maxWidth: CONTENT_WIDTH }) - 1) * lineHeight(8.5);
  doc.setTextColor(0, 0, 0);

  // Later pages repeat who was audited above the table; the table starts below however many lines that takes.
  doc.setFontSize(8.5);
  const runningHead = wrap(`${rubric.form} ${rubric.title} · ${model.siteLine}`, CONTENT_WIDTH);
  const runningHeadFont = doc.getFont().fontName;
  doc.setFont(FONT_IDS.subset, 'normal');
  const topMargin = Math.max(18, 12 + (runningHead.length - 1) * lineHeight(8.5) + 5);

  /** Cell text broken by 禁则; autotable has already set the cell's font and size when it asks. */
  const breakCell = (text: string | string[], width: number): string[] =>
    (Array.isArray(text) ? text : [text]).flatMap((line) =>
      breakLines(line, width, (piece) => doc.getTextWidth(piece)),
    );

  const body: RowInput[] = model.rows.map((row): RowInput => {
    const fill: [number, number, number] | false = row.isUnit ? false : [238, 241, 245];
    return row.cells.map((content, col): CellInput => {
      const picked = t(content);
      return {
        content: picked.text,
        styles: {
          font: picked.font,
          fillColor: fill,
          halign: col >= 4 ? 'center' : col === 0 ? 'center' : 'left',
        },
      };
    });
  });
  const totalPoints = rubric.items.reduce((acc, i) => acc + Math.round(i.points * 100), 0) / 100;
  body.push([
    { content: '合计', colSpan: 4, styles: { halign: 'center', fillColor: [226, 232, 240] } },
    { content: String(totalPoints), styles: { halign: 'center', fillColor: [226, 232, 240] } },
    { content: model.total, styles: { halign: 'center', fillColor: [226, 232, 240] } },
  ]);

  let cursorY = headerY + 4;
  autoTable(doc, {
    startY: headerY + 3,
    head: [SHEET_COLUMNS.map((c) => c.heading)],
    body,
    theme: 'grid',
    showHead: 'everyPage',
    rowPageBreak: 'avoid',
    margin: { top: topMargin, bottom: 16, left: PAGE.margin, right: PAGE.margin },
    styles: {
      font: FONT_IDS.subset,
      fontStyle: 'normal',
      fontSize: 7.6,
      cellPadding: SHEET_CELL_PADDING,
      lineColor: [120, 120, 120],
      lineWidth: 0.15,
      textColor: [0, 0, 0],
      valign: 'middle',
      overflow: breakCell,
    },
    headStyles: {
      font: FONT_IDS.subset,
      fontStyle: 'normal',
      fillColor: [31, 78, 121],
      textColor: [255, 255, 255],
      halign: 'center',
      fontSize: SHEET_HEAD_FONT_SIZE,
    },
    columnStyles: Object.fromEntries(SHEET_COLUMNS.map((c, i) => [i, { cellWidth: c.width }])),
    didDrawPage: (data) => {
      cursorY = data.cursor?.y ?? cursorY;
      if (data.pageNumber > 1) {
        doc.setFontSize(8.5);
        doc.setTextColor(...GREY);
        doc.setFont(runningHeadFont, 'normal');
        runningHead.forEach((line, i) => {
          doc.text(line, PAGE.margin, 12 + i * lineHeight(8.5));
        });
        doc.setFont(FONT_IDS.subset, 'normal');
        doc.setTextColor(0, 0, 0);
      }
    },
  });

  const ensureSpace = (height: number) => {
    if (cursorY + height > PAGE.height - 18) {
      doc.addPage();
      cursorY = 20;
    }
  };

  if (missing.size > 0) {
    doc.setFontSize(8.5);
    const codes = [...missing]
      .map((ch) => `U+${(ch.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0')}`)
      .join('、');
    const note = wrap(`注:本表中 □ 处为字体缺少的字符(${codes}),以电子记录为准。`, CONTENT_WIDTH);
    ensureSpace(note.length * lineHeight(8.5) + 3);
    doc.setTextColor(160, 30, 30);
    note.forEach((line, i) => {
      doc.text(line, PAGE.margin, cursorY + 5 + i * lineHeight(8.5));
    });
    doc.setFont(FONT_IDS.subset, 'normal');
    doc.setTextColor(0, 0, 0);
    cursorY += 3 + note.length * lineHeight(8.5);
  }

  // Signatures: 考核人 and 被考核单位负责人, name, handwriting and time; the boxes grow with long names.
  const boxWidth = (CONTENT_WIDTH - 6) / 2;
  const signatureImage = { width: 66, height: 22 };
  doc.setFontSize(9.5);
  const names = model.signers.map((signer) => wrap(`${signer.role}签名:${signer.name}`, boxWidth - 4));
  const nameFonts = model.signers.map((signer) => t(`${signer.role}签名:${signer.name}`).font);
  doc.setFontSize(8);
  const times = model.signers.map((signer) =>
    wrap(signer.signedAt ? `签署时间:${signer.signedAt}` : '签署时间:', boxWidth - 4),
  );
  doc.setFont(FONT_IDS.subset, 'normal');
  const nameLines = Math.max(...names.map((n) => n.length));
  const timeLines = Math.max(...times.map((n) => n.length));
  const imageTop = 7 + (nameLines - 1) * lineHeight(9.5);
  const timeTop = imageTop + signatureImage.height + 4;
  const boxHeight = timeTop + (timeLines - 1) * lineHeight(8) + 3;
  ensureSpace(boxHeight + 6);
  model.signers.forEach((signer, i) => {
    const x = PAGE.margin + i * (boxWidth + 6);
    const y = cursorY + 4;
    doc.setDrawColor(150, 150, 150);
    doc.rect(x, y, boxWidth, boxHeight);
    doc.setFontSize(9.5);
    doc.setFont(nameFonts[i] ?? FONT_IDS.subset, 'normal');
    (names[i] ?? []).forEach((line, n) => {
      doc.text(line, x + 2, y + 5 + n * lineHeight(9.5));
    });
    doc.setFont(FONT_IDS.subset, 'normal');
    const image = signer.imageId ? assets.images.get(signer.imageId) : undefined;
    if (image) {
      const place = fitInside(doc.getImageProperties(image), signatureImage);
      // The alias is the content hash: jsPDF's default alias can merge two different images.
      doc.addImage(
        image,
        'JPEG',
        x + 2 + place.x,
        y + imageTop,
        place.width,
        place.height,
        sha256Hex(image),
        'NONE',
      );
    }
    doc.setFontSize(8);
    (times[i] ?? []).forEach((line, n) => {
      doc.text(line, x + 2, y + timeTop + n * lineHeight(8));
    });
  });
  cursorY += boxHeight + 8;

  // The seal: short hash, device key and a QR code of audit id + hash; or 未签章.
  ensureSpace(36);
  doc.setFontSize(9);
  if (assets.seal) {
    // With a verification page the code opens it (a phone camera follows a URL); otherwise it names the seal.
    const qrText =
      publicUrl === undefined
        ? `ducha:${audit.id}:${assets.seal.hash}`
        : verifyPageUrl(publicUrl, audit.id, assets.seal.hash);
    const qr = createQr(qrText, { errorCorrectionLevel: 'M' });
    const size = 28;
    const cell = size / qr.modules.size;
    const k = doc.internal.scaleFactor;
    objectWriter(doc).write(
      qrOperators(qr.modules, {
        left: PAGE.margin * k,
        top: (cursorY + 2) * k,
        module: cell * k,
        pageHeight: PAGE.height * k,
      }),
    );
    const textX = PAGE.margin + size + 4;
    doc.text(`电子签章:${shortHash(assets.seal.hash)}`, textX, cursorY + 7);
    doc.setFontSize(8);
    doc.setTextColor(...GREY);
    doc.text(`SHA-256 ${assets.seal.hash}`, textX, cursorY + 12);
    write(sealLine, textX, cursorY + 17, { maxWidth: PAGE.width - PAGE.margin - textX });
    if (assets.seal.payload.previousHash)
      doc.text(`更正自 ${shortHash(assets.seal.payload.previousHash)}`, textX, cursorY + 22);
    if (verifyLine === undefined) doc.text('校验:npm run ducha -- verify <本文件.pdf>', textX, cursorY + 27);
    else write(`${verifyLine}（放入本 PDF 即可核对）`, textX, cursorY + 27, { maxWidth: PAGE.width - PAGE.margin - textX });
    doc.setTextColor(0, 0, 0);
    cursorY += 32;
  } else {
    doc.setTextColor(160, 30, 30);
    doc.setFontSize(12);
    doc.text(model.isDraft ? '草稿 · 未签章' : '未签章', PAGE.margin, cursorY + 8);
    doc.setTextColor(0, 0, 0);
    cursorY += 12;
  }

  // Evidence appendix: each photo with its unit, item and note, never stretched.
  if (model.photos.length > 0) {
    doc.addPage();
    doc.setFontSize(12);
    doc.text('附:现场照片', PAGE.margin, 18);
    let y = 24;
    let column = 0;
    const width = (CONTENT_WIDTH - 6) / 2;
    let rowHeight = 0;
    for (const photo of model.photos) {
      const bytes = assets.images.get(photo.id);
      const place = bytes
        ? fitInside(doc.getImageProperties(bytes), { width, height: PHOTO_MAX_HEIGHT })
        : { x: 0, width, height: 20 };
      doc.setFontSize(8);
      const caption = wrap(photo.note ? `${photo.caption}:${photo.note}` : photo.caption, width);
      const captionFont = doc.getFont().fontName;
      doc.setFont(FONT_IDS.subset, 'normal');
      const blockHeight = place.height + 4 + caption.length * 3.6;
      if (column === 0 && y + blockHeight > PAGE.height - 18) {
        doc.addPage();
        y = 20;
      }
      const x = PAGE.margin + column * (width + 6);
      if (bytes)
        doc.addImage(bytes, 'JPEG', x + place.x, y, place.width, place.height, sha256Hex(bytes), 'NONE');
      else doc.text('(照片缺失)', x, y + 10);
      doc.setFont(captionFont, 'normal');
      caption.forEach((line, i) => {
        doc.text(line, x, y + place.height + 4 + i * 3.6);
      });
      doc.setFont(FONT_IDS.subset, 'normal');
      rowHeight = Math.max(rowHeight, blockHeight + 4);
      column = (column + 1) % 2;
      if (column === 0) {
        y += rowHeight;
        rowHeight = 0;
      }
    }
  }
  // Footer on every page, and 草稿 across every page of a draft.
  const pageCount = doc.getNumberOfPages();
  for (let page = 1; page <= pageCount; page++) {
    doc.setPage(page);
    doc.setFont(FONT_IDS.subset, 'normal');
    doc.setFontSize(8);
    doc.setTextColor(...GREY);
    doc.text(`第 ${page} / ${pageCount} 页`, PAGE.width - PAGE.margin, PAGE.height - 8, { align: 'right' });
    doc.text(model.footer, PAGE.margin, PAGE.height - 8);
    if (verifyLine !== undefined) doc.text(verifyLine, PAGE.margin, PAGE.height - 4.5);
    if (model.isDraft) {
      doc.setTextColor(200, 60, 60);
      doc.setFontSize(11);
      doc.text('草稿', PAGE.width - PAGE.margin, 9, { align: 'right' });
      // Translucent, so the watermark marks the page without hiding what is under it.
      // jsPDF's typings declare GState as both a class and its options interface.
      // eslint-disable-next-line @typescript-eslint/no-unsafe-class-instance-assignment
      doc.setGState(new GState({ opacity: 0.2 }));
      doc.setTextColor(200, 30, 30);
      doc.setFontSize(90);
      doc.text('草稿', PAGE.width / 2, PAGE.height / 2, { align: 'center', angle: 30 });
      // eslint-disable-next-line @typescript-eslint/no-unsafe-class-instance-assignment
      doc.setGState(new GState({ opacity: 1 }));
    }
    doc.setTextColor(0, 0, 0);
  }

  return {
    bytes: pdfBytes(doc),
    pageCount,
    missingCharacters: [...missing],
    usedFallbackFont,
  };
}
