import { useTranslation } from 'react-i18next';
import type { RubricNode } from '../../../../../domain/index';

/** The rule of a metric unit in words, from its data (so the form says exactly what the score will do). */
export function MetricRule({ id, node }: { readonly id: string; readonly node: RubricNode }) {
  const { t } = useTranslation();
  const { rule } = node;
  const unit = node.unit ?? '';
  if (rule === undefined) return null;
  const parts: string[] = [];
  if (rule.type === 'linear') {
    parts.push(t('metric.ruleLinear', { target: node.target ?? '', unit, points: node.points }));
    if (rule.floor !== undefined) parts.push(t('metric.ruleFloor', { floor: rule.floor, unit }));
  } else if (rule.type === 'steps') {
    for (const band of rule.bands) parts.push(t('metric.ruleBand', { ...band, unit }));
    if (rule.zeroBelow !== undefined)
      parts.push(t('metric.ruleZeroBelow', { zeroBelow: rule.zeroBelow, unit }));
  } else {
    parts.push(t('metric.rulePerEvent', { deduct: rule.deduct, unit }));
  }
  return (
    <p id={id} className="metric__rule" data-testid={`metric-rule-${node.id}`}>
      {parts.join(';')}
    </p>
  );
}
