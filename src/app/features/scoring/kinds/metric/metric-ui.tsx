import type { UnitKindUi } from '../unit-kind-ui';
import { MetricField } from './MetricField';

/** A metric unit answers with the month's figure; it is answered once a figure is saved. */
export const metricUi: UnitKindUi = {
  useControl: ({ auditId, node, answer, isEditable }) => ({
    isAnswered: answer?.figure !== undefined,
    showsNA: false,
    control: <MetricField auditId={auditId} node={node} answer={answer} isEditable={isEditable} />,
  }),
};
