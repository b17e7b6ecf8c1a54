import { z } from 'zod';
import { PLAIN_TEXT_MESSAGE, PLAIN_TEXT_PATTERN } from '../bounds/plain-text';
import { fail, formatPath, ok, type Issue, type Result } from '../result';

export const RANKING_FORMAT_VERSION = 1;

/** Chinese messages for the object-level problems zod would otherwise report in English. */
const objectError = {
  error: (issue: { code?: string; keys?: readonly string[] }) =>
    issue.code === 'unrecognized_keys'
      ? `不认识的字段:${(issue.keys ?? []).join('、')}`
      : '必须是一个对象({ … })',
};

// The stored-text rule first: a NUL or a half surrogate is refused here with its path, not by the database.
const text = z
  .string({ error: '必须是文字' })
  .regex(PLAIN_TEXT_PATTERN, PLAIN_TEXT_MESSAGE)
  .min(1, '不能为空')
  .max(2000, '不能超过 2000 个字符')
  .regex(/^(?:\S(?:[\s\S]*\S)?)?$/, '首尾不能有空白');

/**
 * One part of the 综合排名: the audits of one rubric. `scorecard` counts only its percent; `kpi` also
 * marks the rubric whose units are 服务指标: a unit that earned less than its possible points is an
 * indicator below target (the 末位约谈 condition).
 */
export const rankingComponentSchema = z.strictObject(
  {
    rubricId: z
      .string({ error: '必须是评分表编号(文字)' })
      .regex(PLAIN_TEXT_PATTERN, PLAIN_TEXT_MESSAGE)
      .min(1, '评分表编号不能为空')
      .max(100, '评分表编号过长'),
    kind: z.enum(['scorecard', 'kpi'], { error: '只能是 "scorecard"(评分表)或 "kpi"(服务指标)' }),
    weight: z
      .number({ error: '权重必须是数字' })
      .int('权重必须是整数')
      .min(1, '权重至少为 1')
      .max(1000, '权重不能超过 1000'),
  },
  objectError,
);
export type RankingComponent = z.infer<typeof rankingComponentSchema>;

export const rankingDefinitionSchema = z.strictObject(
  {
    format: z.literal('ducha.ranking', { error: '必须是 "ducha.ranking"' }),
    version: z.literal(RANKING_FORMAT_VERSION, { error: `版本必须是 ${RANKING_FORMAT_VERSION}` }),
    id: z.string({ error: '必须是文字' }).regex(/^[a-z0-9][a-z0-9-]{0,63}$/, '编号只能用小写字母、数字和 -'),
    title: text,
    /** Only monthly rankings for now: 月度综合排名. */
    period: z.literal('month', { error: '周期目前只能是 "month"(按月)' }),
    /**
     * Which calendar month an audit falls in: its 考核时间 at this offset (China has no daylight saving, so a
     * fixed offset names the same month everywhere the ranking is computed).
     */
    utcOffset: z
      .string({ error: '必须是文字' })
      .regex(/^[+-](0\d|1[0-4]):[0-5]\d$/, '时区偏移的格式是 +08:00'),
    components: z
      .array(rankingComponentSchema, { error: '必须是列表' })
      .min(1, '至少要有一个评分表或指标')
      .max(20, '最多 20 个评分表或指标'),
    bottom: z.strictObject(
      {
        /** How many places from the bottom count as 末位 (ties at the boundary are all 末位). */
        places: z.number({ error: '必须是数字' }).int('必须是整数').min(1, '至少为 1').max(10, '不能超过 10'),
        /** Seed 004: 末位 *and* 服务指标未达标 → 约谈. Without the condition every 末位 site is listed. */
        requireIndicatorBelowTarget: z.boolean({ error: '必须是 true 或 false' }),
        /** The rule's wording as head office reads it (shown on the dashboard and the report). */
        rule: text,
      },
      objectError,
    ),
  },
  objectError,
);
export type RankingDefinition = z.infer<typeof rankingDefinitionSchema>;

/**
 * Parses a ranking definition (rankings/*.json) from untrusted JSON. Every problem is reported with its path
 * (components[2].weight) and a Chinese message; never throws.
 */
export function parseRankingDefinition(input: unknown): Result<RankingDefinition> {
  const parsed = rankingDefinitionSchema.safeParse(input);
  if (!parsed.success)
    return fail(parsed.error.issues.map((i) => ({ path: formatPath(i.path), message: i.message })));
  const issues: Issue[] = [];
  const first = new Map<string, number>();
  parsed.data.components.forEach((component, index) => {
    const earlier = first.get(component.rubricId);
    if (earlier === undefined) first.set(component.rubricId, index);
    else
      issues.push({
        path: formatPath(['components', index, 'rubricId']),
        message: `评分表 "${component.rubricId}" 重复(已在 components[${earlier}] 中)`,
      });
  });
  return issues.length > 0 ? fail(issues) : ok(parsed.data);
}
