// Apart from sheet-record.ts (which brings jsPDF) so the server's config and the tablet's down-sync can
// check a URL without loading the PDF code.

/**
 * An http(s) URL with no query, fragment or credentials, and no trailing slash: what a sheet may print as
 * head office's address (the page is `<url>/#/verify`). Anything else could make the QR code lead elsewhere.
 */
export function isPublicBaseUrl(text: string): boolean {
  if (text.length > 200 || text.endsWith('/') || /\s/.test(text)) return false;
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return false;
  }
  return (
    (url.protocol === 'https:' || url.protocol === 'http:') &&
    url.username === '' &&
    url.password === '' &&
    url.search === '' &&
    url.hash === '' &&
    !text.includes('?') &&
    !text.includes('#')
  );
}
