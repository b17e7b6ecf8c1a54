import { describe, expect, it } from 'vitest';
import { gradedUnits } from '../../../domain/index';
import { loadRubric } from '../../../../tests/support/load';
import { firstScreenful } from './first-screenful';

const unitsOf = (items: ReturnType<typeof firstScreenful>) => gradedUnits({ items: [...items] }).map((u) => u.id);

describe('firstScreenful', () => {
  it.each([
    // KF01: ten items without sub-items → the first four.
    ['KF01', ['1', '2', '3', '4']],
    // KF02: item 1's three sub-items, then the first of item 2's six.
    ['KF02', ['1.1', '1.2', '1.3', '2.1']],
    // KF3: the first four of item 1's seven sub-items.
    ['KF3', ['1.1', '1.2', '1.3', '1.4']],
  ])('%s renders units %j first', (id, expected) => {
    expect(unitsOf(firstScreenful(loadRubric(id).items))).toEqual(expected);
  });

  it('keeps the rubric’s own objects for what it does not cut (cards compare nodes by identity)', () => {
    const items = loadRubric('KF02').items;
    const [item1, item2] = firstScreenful(items);
    expect(item1).toBe(items[0]);
    expect(item2).not.toBe(items[1]);
    expect(item2?.children?.[0]).toBe(items[1]?.children?.[0]);
    expect(item2?.title).toBe(items[1]?.title);
  });

  it('renders everything when the rubric has fewer units than asked for', () => {
    const items = loadRubric('KF01').items;
    expect(firstScreenful(items, 11)).toHaveLength(10);
    expect(firstScreenful(items, 10)).toHaveLength(10);
    expect(firstScreenful(items, 1)).toHaveLength(1);
  });
});
