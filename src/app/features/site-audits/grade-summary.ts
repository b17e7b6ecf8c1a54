import { useTranslation } from 'react-i18next';
import { gradeSchema } from '../../../domain/index';
import type { ReceivedAudit } from '../../../domain/wire';

/** 符合 12 · 不符合 2 …, in the scale's order. */
export function useGradeSummary(): (grades: ReceivedAudit['grades']) => string {
  const { t } = useTranslation();
  return (grades) =>
    gradeSchema.options
      .flatMap((grade) => {
        const count = grades[grade];
        return count === undefined || count === 0 ? [] : [`${t(`grade.${grade}`)} ${String(count)}`];
      })
      .join(' · ');
}

