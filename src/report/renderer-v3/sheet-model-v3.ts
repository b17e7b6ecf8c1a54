// Renderer version 3, frozen: sheets that record version 3 are re-made by this code byte for byte. Never edit
// it; change ../render-score-sheet.ts and bump SHEET_RENDERER_VERSION instead.
import {
  callTimingText,
  findNode,
  fromHundredths,
  timedUnitOf,
  fromTenths,
  type Answer,
  type Audit,
  type NodeScore,
  type Rubric,
  type RubricNode,
  type ScoreResult,
} from '../../domain/index';
import { reportOf } from '../kinds/unit-kind-reports';
import { DEFAULT_SHEET_TIME_ZONE, zonedDateTime } from '../sheet-time';

/** One row of the 督办记录表 table: 序号 | 项目 | 标准 | 考核与评分方法 | 标准分值 | 实际得分. */
export interface SheetRow {
  readonly id: string;
  readonly depth: number;
  readonly isUnit: boolean;
  readonly cells: readonly [
    seq: string,
    title: string,
    standard: string,
    method: string,
    points: string,
    earned: string,
  ];
}

export interface SheetModel {
  readonly title: string;
  readonly form: string;
  readonly siteLine: string;
  readonly auditLine: string;
  /** 考核人, 考核方式 and status, under the header. */
  readonly metaLine: string;
  readonly rows: readonly SheetRow[];
  /** The 合计 cell: earned / possible and percent. */
  readonly total: string;
  readonly signers: readonly {
    role: string;
    name: string;
    /** 签署时间 with its zone, or '' when not signed. */
    signedAt: string;
    imageId: string | undefined;
  }[];
  readonly photos: readonly { id: string; unitId: string; caption: string; note: string }[];
  readonly isDraft: boolean;
  readonly footer: string;
}

const points = (hundredths: number): string => String(fromHundredths(hundredths));

function earnedCell(
  rubric: Rubric,
  node: RubricNode,
  score: NodeScore | undefined,
  answer: Answer | undefined,
): string {
  if (!score) return '';
  if (score.isUnit) {
    if (score.state === 'na') return '不适用';
    if (score.state === 'missing') return '未评';
    // Under the points, what they were scored from, as the unit's kind shows it (kinds/unit-kind-reports.ts).
    return `${points(score.earnedH)}\n${reportOf(node).sheetScoredFrom(rubric, node, score, answer)}`;
  }
  if (score.state === 'all_na') return '不适用';
  const cap =
    node.overflow === 'cap' ? `\n(封顶${node.points})` : node.overflow === 'deduct' ? '\n(扣完为止)' : '';
  return `${points(score.earnedH)}/${points(score.possibleH)}${cap}`;
}

/**
 * The sheet as text: what the PDF prints, cell by cell, every time in `timeZone` and naming it.
 */
export function buildSheetModel(
  rubric: Rubric,
  audit: Audit,
  score: ScoreResult,
  timeZone = DEFAULT_SHEET_TIME_ZONE,
): SheetModel {
  const scores = new Map(score.nodes.map((n) => [n.id, n]));
  const answers = new Map(audit.answers.map((a) => [a.unitId, a]));
  const rows: SheetRow[] = [];
  let previousMethod: string | undefined;
  const visit = (node: RubricNode, depth: number) => {
    const nodeScore = scores.get(node.id);
    const answer = answers.get(node.id);
    const note = answer?.note.trim() ?? '';
    // A timed call is evidence under the standard it was timed against; absent, the row is as it always was.
    const timed = timedUnitOf(rubric.id, node.id);
    const timing = answer?.timing && timed ? callTimingText(answer.timing, timed) : '';
    const standard = [node.standard ?? '', timing, note ? `备注:${note}` : '']
      .filter((s) => s !== '')
      .join('\n');
    // The paper form merges identical method cells; in a table that breaks across pages, 同上 says the same.
    const method = node.method === undefined ? '' : node.method === previousMethod ? '同上' : node.method;
    if (node.method !== undefined) previousMethod = node.method;
    const seq = depth === 0 ? (node.label ?? node.id) : node.id;
    const title = depth === 0 || node.title !== undefined ? (node.title ?? '') : '';
    rows.push({
      id: node.id,
      depth,
      isUnit: node.children === undefined,
      cells: [
        seq,
        title,
        standard,
        method,
        String(node.points),
        earnedCell(rubric, node, nodeScore, answers.get(node.id)),
      ],
    });
    for (const child of node.children ?? []) visit(child, depth + 1);
  };
  for (const item of rubric.items) visit(item, 0);

  const percent = score.percentTenths === null ? '—' : `${fromTenths(score.percentTenths).toFixed(1)}%`;
  const signer = (role: 'auditor' | 'siteManager', label: string) => {
    const s = audit.signatures[role];
    return {
      role: label,
      name: s?.name ?? '',
      signedAt: s?.signedAt === undefined ? '' : zonedDateTime(s.signedAt, timeZone),
      imageId: s?.imageId,
    };
  };
  const photos = audit.answers.flatMap((a) =>
    a.photoIds.map((id, i) => {
      const unitTitle =
        findNode(rubric, a.unitId)?.title ??
        rubric.items.find((item) => a.unitId.startsWith(`${item.id}.`))?.title ??
        '';
      return {
        id,
        unitId: a.unitId,
        caption: `${a.unitId} ${unitTitle} · 照片 ${i + 1}`,
        note: a.note.trim(),
      };
    }),
  );
  return {
    title: rubric.title,
    form: rubric.form,
    siteLine: `被考核单位:${audit.site.name}`,
    auditLine: `考核时间:${zonedDateTime(audit.auditedAt, timeZone)}`,
    metaLine: `考核人:${audit.auditor}   考核方式:${audit.mode === 'covert' ? '神秘客暗访' : '现场检查'}   状态:${audit.status === 'finalised' ? '已定稿' : '草稿'}`,
    rows,
    total: `${points(score.earnedH)}/${points(score.possibleH)}\n得分率${percent}`,
    signers: [signer('auditor', '考核人'), signer('siteManager', '被考核单位负责人')],
    photos,
    isDraft: audit.status !== 'finalised',
    footer: `考核编号 ${audit.id} · 修订 ${audit.revision}`,
  };
}

/** Every string the sheet prints, for the font check before rendering. */
export function sheetText(model: SheetModel): string {
  return [
    model.title,
    model.form,
    model.siteLine,
    model.auditLine,
    model.metaLine,
    model.total,
    model.footer,
    ...model.rows.flatMap((r) => r.cells),
    ...model.signers.flatMap((s) => [s.role, s.name, s.signedAt]),
    ...model.photos.flatMap((p) => [p.caption, p.note]),
  ].join('\n');
}
