import { describe, expect, it } from 'vitest';
import { contrast, heatColour } from './heat-colour';

describe('heat-map colours', () => {
  it('runs from white at 0 % lost to deep red at 50 % and beyond', () => {
    expect(heatColour(0).background).toBe('#ffffff');
    expect(heatColour(500).background).toBe('#961212');
    expect(heatColour(1000).background).toBe(heatColour(500).background);
    expect(heatColour(0).color).toBe('#000000');
    expect(heatColour(1000).color).toBe('#ffffff');
  });

  it('keeps the percent readable (WCAG AA) on every shade', () => {
    for (let tenths = 0; tenths <= 1000; tenths++) {
      const { rgb, color } = heatColour(tenths);
      const text = color === '#000000' ? [0, 0, 0] : [255, 255, 255];
      expect(contrast(rgb, text)).toBeGreaterThanOrEqual(4.5);
    }
  });
});
