import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseRankingDefinition } from './ranking-schema';

const shipped: unknown = JSON.parse(
  readFileSync(new URL('../../../rankings/monthly.json', import.meta.url), 'utf8'),
);

describe('parseRankingDefinition', () => {
  it('accepts rankings/monthly.json as it is', () => {
    const parsed = parseRankingDefinition(shipped);
    expect(parsed.ok && parsed.value.components.map((c) => `${c.rubricId}:${c.kind}:${c.weight}`)).toEqual([
      'KF01:scorecard:15',
      'KF02:scorecard:15',
      'KF3:scorecard:20',
      'KPI-CC:kpi:25',
      'KPI-YYT:kpi:25',
    ]);
  });

  const base = { ...(typeof shipped === 'object' && shipped !== null ? shipped : {}) };
  const component = (over: Record<string, unknown>) => ({
    rubricId: 'KF01',
    kind: 'scorecard',
    weight: 10,
    ...over,
  });

  it.each([
    [
      'a weight that is not a whole number',
      { components: [component({}), component({ rubricId: 'KF02', weight: 2.5 })] },
      [{ path: 'components[1].weight', message: '权重必须是整数' }],
    ],
    [
      'a zero weight and an unknown kind',
      { components: [component({ weight: 0, kind: 'metric' })] },
      [
        { path: 'components[0].kind', message: '只能是 "scorecard"(评分表)或 "kpi"(服务指标)' },
        { path: 'components[0].weight', message: '权重至少为 1' },
      ],
    ],
    [
      'a rubric named twice',
      { components: [component({}), component({ rubricId: 'KF02' }), component({ weight: 5 })] },
      [{ path: 'components[2].rubricId', message: '评分表 "KF01" 重复(已在 components[0] 中)' }],
    ],
    ['no components', { components: [] }, [{ path: 'components', message: '至少要有一个评分表或指标' }]],
    [
      'a quarterly period',
      { period: 'quarter' },
      [{ path: 'period', message: '周期目前只能是 "month"(按月)' }],
    ],
    [
      'an offset without a colon',
      { utcOffset: '+0800' },
      [{ path: 'utcOffset', message: '时区偏移的格式是 +08:00' }],
    ],
    [
      'a 末位 rule without its wording',
      { bottom: { places: 1, requireIndicatorBelowTarget: true } },
      [{ path: 'bottom.rule', message: '必须是文字' }],
    ],
    ['an unknown field', { weights: {} }, [{ path: '(root)', message: '不认识的字段:weights' }]],
  ])('refuses %s, naming where', (_case, change, issues) => {
    expect(parseRankingDefinition({ ...base, ...change })).toEqual({ ok: false, issues });
  });

  it('refuses what is not a definition at all without throwing', () => {
    expect(parseRankingDefinition('monthly')).toEqual({
      ok: false,
      issues: [{ path: '(root)', message: '必须是一个对象({ … })' }],
    });
    expect(parseRankingDefinition(null).ok).toBe(false);
  });
});
