import { describe, expect, it } from 'vitest';
import { darkRuns, qrOperators } from './qr-runs';

const rows = ['##.#', '....', '####', '.#.#'];
const modules = { size: 4, get: (row: number, col: number) => rows[row]?.[col] === '#' };

describe('the QR code on the sheet', () => {
  it('turns each row of dark modules into runs', () => {
    expect(darkRuns(modules)).toEqual([
      { row: 0, col: 0, length: 2 },
      { row: 0, col: 3, length: 1 },
      { row: 2, col: 0, length: 4 },
      { row: 3, col: 1, length: 1 },
      { row: 3, col: 3, length: 1 },
    ]);
  });

  it('draws the runs in module units, scaled and flipped onto the page, filled black once', () => {
    // Top left at (34.016, 100) pt from the page's top left on an A4 page (841.89 pt), modules 2.5 pt.
    expect(qrOperators(modules, { left: 34.0157, top: 100, module: 2.5, pageHeight: 841.89 })).toBe(
      [
        'q',
        '2.5 0 0 -2.5 34.016 741.89 cm',
        '0 g',
        '0 0 2 1 re',
        '3 0 1 1 re',
        '0 2 4 1 re',
        '1 3 1 1 re',
        '3 3 1 1 re',
        'f',
        'Q',
      ].join('\n'),
    );
  });
});
