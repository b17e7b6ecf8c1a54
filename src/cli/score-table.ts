import {
  effectiveTitle,
  findNode,
  fromHundredths,
  fromTenths,
  type Grade,
  type NodeScore,
  type Rubric,
  type ScoreResult,
} from '../domain/index';

/** Terminal columns a string occupies: CJK and full-width characters take two. */
export function displayWidth(text: string): number {
  let width = 0;
  for (const ch of text) {
    const code = ch.codePointAt(0) ?? 0;
    const isWide =
      (code >= 0x1100 && code <= 0x115f) ||
      (code >= 0x2e80 && code <= 0xa4cf) ||
      (code >= 0xac00 && code <= 0xd7a3) ||
      (code >= 0xf900 && code <= 0xfaff) ||
      (code >= 0xfe30 && code <= 0xfe4f) ||
      (code >= 0xff00 && code <= 0xff60) ||
      (code >= 0xffe0 && code <= 0xffe6) ||
      (code >= 0x20000 && code <= 0x3fffd);
    width += isWide ? 2 : 1;
  }
  return width;
}

const pad = (text: string, width: number): string =>
  text + ' '.repeat(Math.max(0, width - displayWidth(text)));
const padStart = (text: string, width: number): string =>
  ' '.repeat(Math.max(0, width - displayWidth(text))) + text;

function gradeLabel(rubric: Rubric, node: NodeScore): string {
  if (!node.isUnit) {
    if (node.isCapApplied) return `封顶${fromHundredths(node.pointsH)}`;
    // 扣完为止: say so whenever sub-items lost points, so the deduction is visible in the table.
    if (node.overflow === 'deduct' && node.lostH > 0) return `扣完为止 −${fromHundredths(node.lostH)}`;
    return '';
  }
  const grade: Grade | undefined = node.grade;
  if (grade === undefined) return '未评';
  if (grade === 'na') return '不适用';
  return rubric.scale.find((l) => l.key === grade)?.label ?? grade;
}

/** A readable Chinese score table: one row per node, then the 合计 line. */
export function formatScoreTable(rubric: Rubric, result: ScoreResult): string {
  const header = ['序号', '项目', '评定', '得分', '可得分', '标准分值'];
  const rows = result.nodes.map((n) => {
    const node = findNode(rubric, n.id);
    const title = node?.title ?? (n.isUnit ? (effectiveTitle(rubric, n.id) ?? '') : '');
    return [
      `${'  '.repeat(n.depth)}${node?.label ?? n.id}`,
      n.depth > 0 && node?.title === undefined ? '' : title,
      gradeLabel(rubric, n),
      String(fromHundredths(n.earnedH)),
      String(fromHundredths(n.possibleH)),
      String(fromHundredths(n.pointsH)),
    ];
  });
  const widths = header.map((h, col) =>
    Math.max(displayWidth(h), ...rows.map((r) => displayWidth(r[col] ?? ''))),
  );
  const numeric = new Set([3, 4, 5]);
  const line = (cells: readonly string[]) =>
    cells
      .map((c, col) => (numeric.has(col) ? padStart(c, widths[col] ?? 0) : pad(c, widths[col] ?? 0)))
      .join('  ')
      .trimEnd();
  const percent = result.percentTenths === null ? '—(全部不适用)' : `${fromTenths(result.percentTenths)}%`;
  const status = result.complete
    ? '已全部评分'
    : `未完成,未评 ${result.missing.length} 项:${result.missing.join(', ')}`;
  return [
    `${rubric.form} ${rubric.title}`,
    line(header),
    ...rows.map(line),
    `合计  得分 ${fromHundredths(result.earnedH)} / 可得分 ${fromHundredths(result.possibleH)}  得分率 ${percent}  ${status}`,
  ].join('\n');
}
