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
} from '../../domain/index';
import { toBase64 } from '../base64';
import { createFontPicker, FONT_IDS } from '../font-choice';
import {
  pdfDateUtc,
  SEAL_BEGIN,
  SEAL_END,
  SEAL_NAMESPACE,
  shortHash,
  utf8Base64,
  type ScoreSheet,
  type ScoreSheetAssets,
} from '../sheet-document';
import { RENDERER_BEGIN, RENDERER_END, rendererRecord } from '../sheet-record';
import { buildSheetModel, formatSheetTime, sheetText } from './sheet-model-v2';

// FROZEN: renderer version 2, kept byte for byte so that sheets it made still verify. Never edit what
// it draws; a change belongs in ../render-score-sheet.ts under a new SHEET_RENDERER_VERSION.

const PAGE = { width: 210, height: 297, margin: 12 } as const;
const GREY: [number, number, number] = [90, 90, 90];

/**
 * The score sheet as renderer version 2 drew it: a pure function of its data. It mirrors the paper 督办记录表 (title,
 * header, 序号|项目|标准|考核与评分方法|标准分值|实际得分, 合计), adds signatures, the seal and an evidence
 * appendix, and embeds the sealed envelope so the PDF alone can be verified.
 */
export function renderScoreSheetV2(
  rubric: Rubric,
  audit: Audit,
  score: ScoreResult,
  assets: ScoreSheetAssets,
): ScoreSheet {
  const model = buildSheetModel(rubric, audit, score);
  // Every line is checked up front, so the note listing undrawable characters (printed mid-sheet) is
  // complete, and so the fallback font is embedded only when some text needs it: a sheet that does not
  // need it must not depend on it, or it could not be reproduced where that font is not installed.
  const lines = [
    ...sheetText(model).split('\n'),
    ...model.photos.map((photo) => (photo.note ? `${photo.caption}:${photo.note}` : photo.caption)),
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
  /** doc.text in whichever font can draw this text. */
  const write = (
    text: string,
    x: number,
    y: number,
    options?: { align?: 'left' | 'center' | 'right'; angle?: number },
  ) => {
    const picked = t(text);
    doc.setFont(picked.font, 'normal');
    doc.text(picked.text, x, y, options);
  };

  const doc = new jsPDF({ unit: 'mm', format: 'a4', orientation: 'portrait', compress: true });
  for (const [font, id] of [
    [subset, FONT_IDS.subset],
    [fallback, FONT_IDS.fallback],
  ] as const) {
    if (!font) continue;
    doc.addFileToVFS(`${font.name}.ttf`, toBase64(font.bytes));
    doc.addFont(`${font.name}.ttf`, id, 'normal', 'normal', 'Identity-H');
  }
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
  // One XMP block (jsPDF keeps only the first): how to re-make this file, then the seal it shows.
  // Canonical JSON, so a verifier embeds the same text from the parsed envelope whatever its key order.
  doc.addMetadata(
    `${RENDERER_BEGIN}${utf8Base64(canonicalJson(rendererRecord({ subset, ...(fallback ? { fallback } : {}) }, 2)))}${RENDERER_END}` +
      (assets.seal ? `${SEAL_BEGIN}${utf8Base64(canonicalJson(assets.seal))}${SEAL_END}` : ''),
    SEAL_NAMESPACE,
  );

  // Header, as on the paper form.
  doc.setFontSize(15);
  write(model.title, PAGE.width / 2, 16, { align: 'center' });
  doc.setFontSize(10);
  write(model.siteLine, PAGE.margin, 25);
  write(model.auditLine, PAGE.width / 2, 25, { align: 'center' });
  write(model.form, PAGE.width - PAGE.margin, 25, { align: 'right' });
  doc.setTextColor(...GREY);
  doc.setFontSize(8.5);
  write(model.metaLine, PAGE.margin, 30);
  doc.setTextColor(0, 0, 0);

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

  let cursorY = 34;
  autoTable(doc, {
    startY: 33,
    head: [['序号', '项目', '标准', '考核与评分方法', '标准分值', '实际得分']],
    body,
    theme: 'grid',
    showHead: 'everyPage',
    rowPageBreak: 'avoid',
    margin: { top: 18, bottom: 16, left: PAGE.margin, right: PAGE.margin },
    styles: {
      font: FONT_IDS.subset,
      fontStyle: 'normal',
      fontSize: 7.6,
      cellPadding: 1.4,
      lineColor: [120, 120, 120],
      lineWidth: 0.15,
      textColor: [0, 0, 0],
      valign: 'middle',
    },
    headStyles: {
      font: FONT_IDS.subset,
      fontStyle: 'normal',
      fillColor: [31, 78, 121],
      textColor: [255, 255, 255],
      halign: 'center',
      fontSize: 8.5,
    },
    columnStyles: {
      0: { cellWidth: 12 },
      1: { cellWidth: 18 },
      2: { cellWidth: 72 },
      3: { cellWidth: 48 },
      4: { cellWidth: 14 },
      5: { cellWidth: 22 },
    },
    didDrawPage: (data) => {
      cursorY = data.cursor?.y ?? cursorY;
      if (data.pageNumber > 1) {
        doc.setFontSize(8.5);
        doc.setTextColor(...GREY);
        write(`${rubric.form} ${rubric.title} · ${model.siteLine}`, PAGE.margin, 12);
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
    ensureSpace(8);
    doc.setFontSize(8.5);
    doc.setFont(FONT_IDS.subset, 'normal');
    doc.setTextColor(160, 30, 30);
    const codes = [...missing]
      .map((ch) => `U+${(ch.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0')}`)
      .join('、');
    doc.text(`注:本表中 □ 处为字体缺少的字符(${codes}),以电子记录为准。`, PAGE.margin, cursorY + 5);
    doc.setTextColor(0, 0, 0);
    cursorY += 7;
  }

  // Signatures: 考核人 and 被考核单位负责人, name, handwriting and time.
  ensureSpace(42);
  const boxWidth = (PAGE.width - PAGE.margin * 2 - 6) / 2;
  model.signers.forEach((signer, i) => {
    const x = PAGE.margin + i * (boxWidth + 6);
    const y = cursorY + 4;
    doc.setDrawColor(150, 150, 150);
    doc.rect(x, y, boxWidth, 36);
    doc.setFontSize(9.5);
    write(`${signer.role}签名:${signer.name}`, x + 2, y + 5);
    doc.setFont(FONT_IDS.subset, 'normal');
    const image = signer.imageId ? assets.images.get(signer.imageId) : undefined;
    // The alias is the content hash: jsPDF's default alias can merge two different images.
    if (image) doc.addImage(image, 'JPEG', x + 2, y + 7, 66, 22, sha256Hex(image), 'NONE');
    doc.setFontSize(8);
    doc.text(signer.signedAt ? `签署时间:${formatSheetTime(signer.signedAt)}` : '签署时间:', x + 2, y + 33);
  });
  cursorY += 44;

  // The seal: short hash, device key and a QR code of audit id + hash; or 未签章.
  ensureSpace(36);
  doc.setFontSize(9);
  if (assets.seal) {
    const qr = createQr(`ducha:${audit.id}:${assets.seal.hash}`, { errorCorrectionLevel: 'M' });
    const size = 28;
    const cell = size / qr.modules.size;
    for (let r = 0; r < qr.modules.size; r++) {
      for (let c = 0; c < qr.modules.size; c++) {
        if (qr.modules.get(r, c)) doc.rect(PAGE.margin + c * cell, cursorY + 2 + r * cell, cell, cell, 'F');
      }
    }
    const textX = PAGE.margin + size + 4;
    doc.text(`电子签章:${shortHash(assets.seal.hash)}`, textX, cursorY + 7);
    doc.setFontSize(8);
    doc.setTextColor(...GREY);
    doc.text(`SHA-256 ${assets.seal.hash}`, textX, cursorY + 12);
    doc.text(
      `设备密钥 ${keyFingerprint(assets.seal.payload.publicKey)} · 签章时间 ${formatSheetTime(assets.seal.payload.sealedAt)}`,
      textX,
      cursorY + 17,
    );
    if (assets.seal.payload.previousHash)
      doc.text(`更正自 ${shortHash(assets.seal.payload.previousHash)}`, textX, cursorY + 22);
    doc.text('校验:npm run ducha -- verify <本文件.pdf>', textX, cursorY + 27);
    doc.setTextColor(0, 0, 0);
    cursorY += 32;
  } else {
    doc.setTextColor(160, 30, 30);
    doc.setFontSize(12);
    doc.text(model.isDraft ? '草稿 · 未签章' : '未签章', PAGE.margin, cursorY + 8);
    doc.setTextColor(0, 0, 0);
    cursorY += 12;
  }

  // Evidence appendix: each photo with its unit, item and note.
  if (model.photos.length > 0) {
    doc.addPage();
    doc.setFontSize(12);
    doc.text('附:现场照片', PAGE.margin, 18);
    let y = 24;
    let column = 0;
    const width = (PAGE.width - PAGE.margin * 2 - 6) / 2;
    let rowHeight = 0;
    for (const photo of model.photos) {
      const bytes = assets.images.get(photo.id);
      const props = bytes ? doc.getImageProperties(bytes) : undefined;
      const height = props ? Math.min(80, (width * props.height) / props.width) : 20;
      const picked = t(photo.note ? `${photo.caption}:${photo.note}` : photo.caption);
      doc.setFont(picked.font, 'normal');
      const lines: unknown = doc.splitTextToSize(picked.text, width);
      const caption = Array.isArray(lines) ? lines.map(String) : [String(lines)];
      const blockHeight = height + 4 + caption.length * 3.6;
      if (column === 0 && y + blockHeight > PAGE.height - 18) {
        doc.addPage();
        y = 20;
      }
      const x = PAGE.margin + column * (width + 6);
      if (bytes) doc.addImage(bytes, 'JPEG', x, y, width, height, sha256Hex(bytes), 'NONE');
      else doc.text('(照片缺失)', x, y + 10);
      doc.setFontSize(8);
      doc.text(caption, x, y + height + 4);
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
    bytes: new Uint8Array(doc.output('arraybuffer')),
    pageCount,
    missingCharacters: [...missing],
    usedFallbackFont,
  };
}
