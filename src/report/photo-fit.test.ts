import { describe, expect, it } from 'vitest';
import { fitInside } from './photo-fit';

// The appendix box: a column 87 mm wide, photos at most 80 mm tall.
const box = { width: 87, height: 80 };

describe('fitInside', () => {
  it('a portrait photo (1:2) is as tall as the box and half as wide, centred: never squashed', () => {
    // 80 mm tall → 40 mm wide; (87 − 40) / 2 = 23.5 mm to each side.
    expect(fitInside({ width: 48, height: 96 }, box)).toEqual({ x: 23.5, width: 40, height: 80 });
  });

  it('a landscape photo (4:3) fills the width and keeps its ratio', () => {
    // 87 mm wide → 65.25 mm tall.
    expect(fitInside({ width: 64, height: 48 }, box)).toEqual({ x: 0, width: 87, height: 65.25 });
  });

  it('a tall panorama and a wide one keep their ratio exactly', () => {
    for (const image of [
      { width: 1000, height: 4000 },
      { width: 4000, height: 600 },
      { width: 3024, height: 4032 },
    ]) {
      const placed = fitInside(image, box);
      expect(placed.width / placed.height).toBeCloseTo(image.width / image.height, 10);
      expect(placed.width).toBeLessThanOrEqual(box.width + 1e-9);
      expect(placed.height).toBeLessThanOrEqual(box.height + 1e-9);
      // One side always touches the box.
      expect(Math.max(placed.width / box.width, placed.height / box.height)).toBeCloseTo(1, 10);
    }
  });

  it('a 3:1 signature in the 66 × 22 mm signature box fills it', () => {
    expect(fitInside({ width: 600, height: 200 }, { width: 66, height: 22 })).toEqual({
      x: 0,
      width: 66,
      height: 22,
    });
  });

  it('refuses an image without a size instead of dividing by zero', () => {
    expect(() => fitInside({ width: 0, height: 10 }, box)).toThrow('an image has no size');
  });
});
