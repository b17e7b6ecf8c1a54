import { drawStrokes, type Strokes } from './strokes';

/**
 * The confirmed signature as a JPEG on opaque white. JPEG, not PNG, because PDFs embed JPEG bytes
 * unchanged: the hash sealed here is the hash `ducha verify` finds in the PDF.
 */
export async function renderSignatureImage(strokes: Strokes, width = 600, height = 200): Promise<Blob> {
  const canvas = document.createElement('canvas');
  canvas.width = width;
  canvas.height = height;
  const ctx = canvas.getContext('2d');
  if (!ctx) throw new Error('renderSignatureImage: 2D canvas is not available');
  ctx.fillStyle = '#fff';
  ctx.fillRect(0, 0, width, height);
  drawStrokes(ctx, strokes, width, height);
  return new Promise<Blob>((resolve, reject) => {
    canvas.toBlob(
      (blob) => {
        if (blob) resolve(blob);
        else reject(new Error(`renderSignatureImage: canvas.toBlob produced no JPEG for ${width}×${height}`));
      },
      'image/jpeg',
      0.92,
    );
  });
}
