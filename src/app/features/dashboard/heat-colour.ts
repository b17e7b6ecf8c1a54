/** Deep red: the colour of a cell where half or more of the points were lost. */
const RED = [150, 18, 18] as const;
const WHITE = [255, 255, 255] as const;
/** 50 % lost saturates the scale: beyond that a site is failing the item and shades would only distract. */
const SATURATION_TENTHS = 500;

const channel = (c: number): number => {
  const s = c / 255;
  return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
};
const luminance = ([r, g, b]: readonly number[]): number =>
  0.2126 * channel(r ?? 0) + 0.7152 * channel(g ?? 0) + 0.0722 * channel(b ?? 0);
export const contrast = (a: readonly number[], b: readonly number[]): number => {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x);
  return ((hi ?? 0) + 0.05) / ((lo ?? 0) + 0.05);
};

const hex = (rgb: readonly number[]): string =>
  `#${rgb.map((c) => c.toString(16).padStart(2, '0')).join('')}`;

/**
 * Background from white (nothing lost) to deep red (50 %+ lost), and whichever of black or white text
 * reads better on it: the better of the two always clears WCAG AA (4.5:1) on any background.
 */
export function heatColour(lostTenths: number | null): {
  background: string;
  color: string;
  rgb: readonly number[];
} {
  if (lostTenths === null) return { background: '#eceff3', color: '#000000', rgb: [236, 239, 243] };
  const share = Math.min(Math.max(lostTenths, 0), SATURATION_TENTHS) / SATURATION_TENTHS;
  const rgb = WHITE.map((w, i) => Math.round(w + ((RED[i] ?? w) - w) * share));
  const black = [0, 0, 0];
  const white = [255, 255, 255];
  const color = contrast(rgb, black) >= contrast(rgb, white) ? '#000000' : '#ffffff';
  return { background: hex(rgb), color, rgb };
}
