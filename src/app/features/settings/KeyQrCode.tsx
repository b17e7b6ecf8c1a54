import { create as createQr } from 'qrcode';
import { useMemo } from 'react';

const QUIET_ZONE = 4;

/**
 * The full key id as a QR code, drawn as SVG: sharp at any size, no canvas, and one path rather than a
 * thousand elements. Head office can scan it to compare against the key file it enrols.
 */
export function KeyQrCode({ value, label, size = 220 }: { value: string; label: string; size?: number }) {
  const { path, cells } = useMemo(() => {
    const { modules } = createQr(value, { errorCorrectionLevel: 'M' });
    const parts: string[] = [];
    for (let r = 0; r < modules.size; r++)
      for (let c = 0; c < modules.size; c++)
        if (modules.get(r, c)) parts.push(`M${c + QUIET_ZONE} ${r + QUIET_ZONE}h1v1h-1z`);
    return { path: parts.join(''), cells: modules.size + 2 * QUIET_ZONE };
  }, [value]);
  return (
    <svg
      role="img"
      aria-label={label}
      width={size}
      height={size}
      viewBox={`0 0 ${cells} ${cells}`}
      shapeRendering="crispEdges"
      className="key-qr__code"
      data-testid="key-qr"
      data-value={value}
    >
      <rect width={cells} height={cells} fill="#fff" />
      <path d={path} fill="#000" />
    </svg>
  );
}
