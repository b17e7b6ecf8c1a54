/**
 * Hands bytes to the browser as a file download (works offline: nothing leaves the device). Returns once
 * the browser took the file; throws when it could not, so nothing is marked exported that was not handed over.
 */
export function downloadBytes(bytes: Uint8Array | string, fileName: string, type: string): void {
  const blob = new Blob([typeof bytes === 'string' ? bytes : Uint8Array.from(bytes)], { type });
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = fileName;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => {
    URL.revokeObjectURL(url);
  }, 10_000);
}

/** A file name that is safe on every OS but keeps the Chinese site name. */
export const safeFileName = (name: string): string => name.replace(/[\\/:*?"<>|\s]+/g, '_');
