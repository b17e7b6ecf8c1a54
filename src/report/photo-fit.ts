export interface Size {
  readonly width: number;
  readonly height: number;
}

/**
 * Where a picture goes in a box without being stretched: as large as fits, its aspect ratio kept,
 * centred across the box and set at its top (a caption follows right under it). A portrait photo
 * squeezed to a landscape box would show the scene wrongly; evidence must look as it was taken.
 */
export function fitInside(
  image: Size,
  box: Size,
): { readonly x: number; readonly width: number; readonly height: number } {
  if (!(image.width > 0 && image.height > 0)) throw new Error('an image has no size');
  const scale = Math.min(box.width / image.width, box.height / image.height);
  const width = image.width * scale;
  const height = image.height * scale;
  return { x: (box.width - width) / 2, width, height };
}
