export interface CompressOptions {
  targetBytes?: number;
  maxDimension?: number;
}

export interface CompressedPhoto {
  blob: Blob;
  width: number;
  height: number;
}

const QUALITIES = [0.85, 0.75, 0.65, 0.55, 0.45] as const;
const SHRINK = 0.8;
const MAX_SHRINKS = 4;

function encodeJpeg(canvas: HTMLCanvasElement, quality: number): Promise<Blob> {
  return new Promise((resolve, reject) => {
    canvas.toBlob(
      (blob) => {
        if (blob) resolve(blob);
        else reject(new Error(`compressPhoto: JPEG encoding failed at ${canvas.width}×${canvas.height}`));
      },
      'image/jpeg',
      quality,
    );
  });
}

async function decode(file: Blob): Promise<ImageBitmap> {
  try {
    // Phone cameras store portrait shots as rotated landscape pixels plus an EXIF flag.
    return await createImageBitmap(file, { imageOrientation: 'from-image' });
  } catch (cause) {
    throw new Error(`not an image: ${file.type || 'unknown type'}`, { cause });
  }
}

/**
 * Shrinks a photo for offline storage and report embedding. If even the smallest attempt misses
 * targetBytes it is still returned: a slightly large photo is better evidence than none.
 */
export async function compressPhoto(file: Blob, options: CompressOptions = {}): Promise<CompressedPhoto> {
  const { targetBytes = 300_000, maxDimension = 1600 } = options;
  const bitmap = await decode(file);
  const canvas = document.createElement('canvas');
  try {
    const scale = Math.min(1, maxDimension / Math.max(bitmap.width, bitmap.height));
    let width = Math.max(1, Math.round(bitmap.width * scale));
    let height = Math.max(1, Math.round(bitmap.height * scale));
    let smallest: CompressedPhoto | undefined;
    for (let round = 0; round <= MAX_SHRINKS; round++) {
      canvas.width = width;
      canvas.height = height;
      const ctx = canvas.getContext('2d');
      if (!ctx) throw new Error('compressPhoto: 2D canvas is not available');
      // JPEG has no alpha; without this, transparent PNG areas turn black.
      ctx.fillStyle = '#fff';
      ctx.fillRect(0, 0, width, height);
      ctx.drawImage(bitmap, 0, 0, width, height);
      for (const quality of QUALITIES) {
        const blob = await encodeJpeg(canvas, quality);
        smallest = { blob, width, height };
        if (blob.size <= targetBytes) return smallest;
      }
      width = Math.max(1, Math.round(width * SHRINK));
      height = Math.max(1, Math.round(height * SHRINK));
    }
    if (!smallest) throw new Error('compressPhoto: no encoding attempted');
    return smallest;
  } finally {
    bitmap.close();
    // iOS Safari caps total canvas memory; releasing the backing store avoids failures on the next photo.
    canvas.width = 0;
    canvas.height = 0;
  }
}
