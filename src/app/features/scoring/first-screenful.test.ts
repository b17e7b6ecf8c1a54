import { describe, expect, it } from 'vitest';
import { loadRubric } from '../../../../tests/support/load';
import { firstScreenful } from './first-screenful';

describe('firstScreenful', () => {
  it.each([
    // KF01: ten items without sub-items → the first four.
    ['KF01', ['1', '2', '3', '4']],
    // KF02: item 1 has 3 sub-items, item 2 has 6 → items 1 and 2 (9 units).
    ['KF02', ['1', '2']],
    // KF3: item 1 alone has 7 sub-items.
    ['KF3', ['1']],
  ])('%s renders items %j first', (id, expected) => {
    expect(firstScreenful(loadRubric(id).items).map((item) => item.id)).toEqual(expected);
  });

  it('renders every item when they hold fewer units than asked for', () => {
    const items = loadRubric('KF01').items;
    expect(firstScreenful(items, 11)).toHaveLength(10);
    expect(firstScreenful(items, 10)).toHaveLength(10);
    expect(firstScreenful(items, 1)).toHaveLength(1);
  });
});
