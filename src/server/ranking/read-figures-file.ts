import { csvRecords, type FigureRecord, type RowIssue } from '../../domain/head-office';

export type FiguresEncoding = 'utf-8' | 'gb18030' | 'xlsx';

export type FiguresFileRead =
  | { readonly ok: true; readonly encoding: FiguresEncoding; readonly records: readonly FigureRecord[] }
  | { readonly ok: false; readonly issues: readonly RowIssue[] };

const ZIP_MAGIC = [0x50, 0x4b, 0x03, 0x04];
const isZip = (bytes: Uint8Array): boolean => ZIP_MAGIC.every((b, i) => bytes[i] === b);

/** A header the figures file may start with, in either language: the check that the decoding was right. */
const HEADER_WORDS = ['month', '月份'];
const hasHeader = (text: string): boolean => HEADER_WORDS.some((w) => text.replace(/^\uFEFF/, '').trimStart().startsWith(w));

/**
 * Decodes a figures CSV exactly: strict UTF-8 (BOM stripped) first, else GB18030 (a superset of GBK, what Excel on
 * a Chinese Windows PC writes); never a lossy decode, so no mojibake reaches the figures. A file that is neither,
 * or whose first line is not the figures header once decoded, is refused with the reason.
 */
export function decodeFiguresCsv(bytes: Uint8Array): { ok: true; encoding: 'utf-8' | 'gb18030'; text: string } | { ok: false; reason: string } {
  let text: string | undefined;
  let encoding: 'utf-8' | 'gb18030' = 'utf-8';
  try {
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch {
    try {
      text = new TextDecoder('gb18030', { fatal: true }).decode(bytes);
      encoding = 'gb18030';
    } catch {
      return { ok: false, reason: '文件既不是 UTF-8 也不是 GBK/GB18030 编码的文本：请在 Excel 中另存为“CSV UTF-8”或 .xlsx 再上传' };
    }
  }
  if (!hasHeader(text))
    return { ok: false, reason: `按 ${encoding === 'utf-8' ? 'UTF-8' : 'GB18030'} 解码后第一行不是表头（月份,被考核单位,考核表,序号,数值）：文件不是指标数值表，或编码无法识别` };
  return { ok: true, encoding, text };
}

/** A spreadsheet cell as text: numbers come as written in the file (parseNumber keeps them exact). */
function cellText(cell: unknown): string {
  if (cell === null || cell === undefined) return '';
  if (typeof cell === 'string') return cell;
  if (typeof cell === 'number' || typeof cell === 'boolean') return String(cell);
  // A month typed as a date: Excel keeps the first of the month; the figures file wants YYYY-MM.
  if (cell instanceof Date) return cell.toISOString().slice(0, 7);
  return '';
}

/** The first sheet of an .xlsx as text rows (line = spreadsheet row number); loaded only on the server and CLI. */
async function readXlsxRecords(bytes: Uint8Array): Promise<FigureRecord[] | { reason: string }> {
  const { readSheet } = await import('read-excel-file/node');
  try {
    const rows = await readSheet<string>(Buffer.from(bytes), { parseNumber: (text: string) => text });
    return rows
      .map((row, index) => ({ line: index + 1, fields: row.map(cellText) }))
      .filter((r) => r.fields.some((f) => f.trim() !== ''))
      .map((r) => ({ line: r.line, fields: r.fields.slice(0, Math.max(5, lastFilled(r.fields) + 1)) }));
  } catch (error) {
    return { reason: `不是可读取的 .xlsx 工作簿：${error instanceof Error ? error.message : String(error)}` };
  }
}

const lastFilled = (fields: readonly string[]): number => {
  for (let i = fields.length - 1; i >= 0; i--) if ((fields[i] ?? '').trim() !== '') return i;
  return -1;
};

/** A figures file as uploaded: an .xlsx workbook (by its zip signature) or a CSV in UTF-8 or GB18030. */
export async function readFiguresFile(bytes: Uint8Array): Promise<FiguresFileRead> {
  if (bytes.length === 0) return { ok: false, issues: [{ line: 1, reason: '文件是空的' }] };
  if (isZip(bytes)) {
    const records = await readXlsxRecords(bytes);
    if (!Array.isArray(records)) return { ok: false, issues: [{ line: 1, reason: records.reason }] };
    return { ok: true, encoding: 'xlsx', records };
  }
  const decoded = decodeFiguresCsv(bytes);
  if (!decoded.ok) return { ok: false, issues: [{ line: 1, reason: decoded.reason }] };
  const records = csvRecords(decoded.text);
  if (!Array.isArray(records)) return { ok: false, issues: [records] };
  return { ok: true, encoding: decoded.encoding, records };
}
