import { useTranslation } from 'react-i18next';

/**
 * The visible limit of a text input: "12/4000", red once past it. Inputs have no maxlength attribute on
 * purpose: a browser cuts pasted text at maxlength without a word, and nothing typed may vanish silently.
 * Past the limit the text stays in the field, is not written, and the field says why.
 */
export function CharCount({ value, max, id }: { value: string; max: number; id?: string }) {
  const { t } = useTranslation();
  const isOver = value.length > max;
  return (
    <span
      id={id}
      className={`char-count ${isOver ? 'char-count--over' : ''}`}
      data-testid="char-count"
      data-over={isOver}
    >
      {t('limits.count', { count: value.length, max })}
    </span>
  );
}

export const tooLongBy = (value: string, max: number): number => Math.max(0, value.length - max);
