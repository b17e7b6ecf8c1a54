import { useCallback } from 'react';
import { useTranslation } from 'react-i18next';
import type { BundleProblem, BundleProblemCode } from '../../../domain/head-office';

/** What the whole-file message leads with: which kind of failure, before where and what exactly. */
export type FileFailure = 'parseError' | 'tooLarge' | 'damaged' | 'notBundle';

export function fileFailureOf(code: BundleProblemCode | undefined): FileFailure {
  switch (code) {
    case 'notJson':
    case 'jsonTruncated':
      return 'parseError';
    case 'tooLarge':
    case 'tooBigUnpacked':
      return 'tooLarge';
    case 'damagedZip':
    case 'zipMalformed':
    case 'entryMissing':
    case 'entryUnreadable':
    case 'entryNotJson':
    case 'tooDeep':
    case 'listedTwice':
      return 'damaged';
    default:
      return 'notBundle';
  }
}

const tamperKinds = ['seal', 'rubric', 'score', 'photo', 'signature', 'text'] as const;
type TamperKind = (typeof tamperKinds)[number];
const isTamperKind = (value: string): value is TamperKind => tamperKinds.some((k) => k === value);

/**
 * A bundle problem in the reader's language: what is wrong and where (zip entry, field path, image), never
 * the parser's own English, which the panel keeps for 详情.
 */
export function useDescribeProblem(): (problem: BundleProblem) => string {
  const { t } = useTranslation();
  return useCallback(
    (problem: BundleProblem) => {
      const what = t(`dashboard.import.field.${problem.fieldProblem ?? 'invalid'}`);
      const where = {
        entry: problem.entry ?? '',
        field: problem.field ?? '',
        what,
        subject: problem.subject ?? '',
      };
      switch (problem.code) {
        case 'notBundle':
        case 'shape':
        case 'rubricInvalid': {
          const shape =
            problem.field === undefined ? 'NoField' : problem.entry === undefined ? 'Field' : 'FieldInEntry';
          return t(`dashboard.import.problem.${problem.code}${shape}`, where);
        }
        case 'notJson':
          return problem.line === undefined
            ? t('dashboard.import.problem.notJson')
            : t('dashboard.import.problem.notJsonAt', { line: problem.line, column: problem.column ?? 1 });
        case 'tooLarge':
          return t('dashboard.import.problem.tooLarge', {
            size: problem.size ?? '',
            limit: problem.limit ?? '',
          });
        case 'tooBigUnpacked':
          return t('dashboard.import.problem.tooBigUnpacked', { size: problem.size ?? '' });
        case 'zipMalformed':
          return problem.entry === undefined
            ? t('dashboard.import.problem.zipMalformedNoEntry', { offset: problem.offset ?? 0 })
            : t('dashboard.import.problem.zipMalformed', { entry: problem.entry, offset: problem.offset ?? 0 });
        case 'tampered': {
          const parts = (problem.subject ?? '')
            .split(',')
            .filter(isTamperKind)
            .map((kind) => t(`dashboard.import.tamperedPart.${kind}`));
          return t('dashboard.import.problem.tampered', { parts: parts.join('、') });
        }
        case 'tooDeep':
          return t(
            problem.entry === undefined
              ? 'dashboard.import.problem.tooDeep'
              : 'dashboard.import.problem.tooDeepEntry',
            where,
          );
        default:
          return t(`dashboard.import.problem.${problem.code}`, where);
      }
    },
    [t],
  );
}
