/** Coordinates are fractions (0..1) of the pad's width and height, so ink survives resizes and rotation. */
export type Point = readonly [x: number, y: number];

export type Strokes = readonly (readonly Point[])[];

/** A single-point stroke is a deliberate tap (a dot, e.g. over an i), so it counts as ink. */
export function isEmptyStrokes(s: Strokes): boolean {
  return s.every((stroke) => stroke.length === 0);
}

/**
 * Shared by the live pad and the PNG export so both render the same signature.
 * Width scales with the drawing surface so a signature looks equally bold at any size.
 */
export function drawStrokes(
  ctx: CanvasRenderingContext2D,
  strokes: Strokes,
  width: number,
  height: number,
): void {
  applyInk(ctx, width);
  for (const stroke of strokes) drawStroke(ctx, stroke, width, height);
}

/** Resizing a canvas resets its context state, so callers re-apply the pen before drawing. */
export function applyInk(ctx: CanvasRenderingContext2D, width: number): void {
  ctx.strokeStyle = '#000';
  ctx.fillStyle = '#000';
  ctx.lineCap = 'round';
  ctx.lineJoin = 'round';
  ctx.lineWidth = inkWidth(width);
}

/** 2.5 px at a 600 px wide pad, never thinner than 1.5 px. */
export function inkWidth(width: number): number {
  return Math.max(1.5, (2.5 * width) / 600);
}

export function drawStroke(
  ctx: CanvasRenderingContext2D,
  stroke: readonly Point[],
  width: number,
  height: number,
): void {
  const [first, ...rest] = stroke;
  if (first === undefined) return;
  if (rest.length === 0) {
    // A zero-length path draws nothing on some engines, so a tap becomes an explicit dot.
    ctx.beginPath();
    ctx.arc(first[0] * width, first[1] * height, ctx.lineWidth / 2, 0, Math.PI * 2);
    ctx.fill();
    return;
  }
  ctx.beginPath();
  ctx.moveTo(first[0] * width, first[1] * height);
  for (const [x, y] of rest) ctx.lineTo(x * width, y * height);
  ctx.stroke();
}
