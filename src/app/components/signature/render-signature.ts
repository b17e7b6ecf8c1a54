import { drawStrokes, type Strokes } from './strokes';

/** Opaque white so the signature stays legible in PDFs and viewers that show transparency as black. */
export async function renderSignaturePng(strokes: Strokes, width = 600, height = 200): Promise<Blob> {
  const canvas = document.createElement('canvas');
  canvas.width = width;
  canvas.height = height;
  const ctx = canvas.getContext('2d');
  if (!ctx) throw new Error('renderSignaturePng: 2D canvas is not available');
  ctx.fillStyle = '#fff';
  ctx.fillRect(0, 0, width, height);
  drawStrokes(ctx, strokes, width, height);
  return new Promise<Blob>((resolve, reject) => {
    canvas.toBlob((blob) => {
      if (blob) resolve(blob);
      else reject(new Error(`renderSignaturePng: canvas.toBlob produced no PNG for ${width}×${height}`));
    }, 'image/png');
  });
}
