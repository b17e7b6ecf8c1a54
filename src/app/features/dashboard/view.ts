import { fromTenths, type FactSummary } from '../../../domain/index';

export interface SiteOption {
  readonly siteKey: string;
  readonly siteName: string;
  /** The 单位编码, where the site is known by one (upper-cased, as the key keeps it). */
  readonly code: string | undefined;
}

export interface FilterOptions {
  readonly regions: readonly string[];
  readonly sites: readonly SiteOption[];
  readonly auditors: readonly string[];
  /** The newest 考核时间 among the facts: where "this month" and the other presets are anchored. */
  readonly newest: string | undefined;
}

const byChinese = (a: string, b: string): number => a.localeCompare(b, 'zh-CN');

export function filterOptions(facts: readonly FactSummary[]): FilterOptions {
  const regions = new Set<string>();
  const auditors = new Set<string>();
  const sites = new Map<string, { name: string; at: string }>();
  let newest: string | undefined;
  let newestMs = -Infinity;
  for (const f of facts) {
    if (f.region) regions.add(f.region);
    auditors.add(f.auditor);
    const site = sites.get(f.siteKey);
    // A site renamed on one tablet shows under its most recent name.
    if (!site || f.auditedAt > site.at) sites.set(f.siteKey, { name: f.siteName, at: f.auditedAt });
    const ms = Date.parse(f.auditedAt);
    if (ms > newestMs) {
      newestMs = ms;
      newest = f.auditedAt;
    }
  }
  return {
    regions: [...regions].sort(byChinese),
    auditors: [...auditors].sort(byChinese),
    sites: [...sites]
      .map(([siteKey, s]) => ({
        siteKey,
        siteName: s.name,
        code: siteKey.startsWith('code:') ? siteKey.slice('code:'.length) : undefined,
      }))
      .sort((a, b) => byChinese(a.siteName, b.siteName)),
    newest,
  };
}

/** A select's value if it is still one of the options (the rubric may have changed under it), else "all". */
export const chosen = (value: string, allowed: readonly string[]): string | undefined =>
  value !== '' && allowed.includes(value) ? value : undefined;

/** How many sites to show at each end of a long ranking before "show all". */
export const SITES_AT_EACH_END = 25;

/**
 * The top and bottom of a long list: with 500 sites the best and the worst are what head office
 * acts on, and 500 × items heat-map buttons would make every filter change sluggish.
 */
export function visibleEnds<T>(
  rows: readonly T[],
  showAll: boolean,
): { head: T[]; tail: T[]; hidden: number } {
  if (showAll || rows.length <= 2 * SITES_AT_EACH_END) return { head: [...rows], tail: [], hidden: 0 };
  return {
    head: rows.slice(0, SITES_AT_EACH_END),
    tail: rows.slice(-SITES_AT_EACH_END),
    hidden: rows.length - 2 * SITES_AT_EACH_END,
  };
}

/** Percentage points with an explicit sign (a true minus, not a hyphen); — when there is nothing to compare. */
export function formatChange(tenths: number | null): string {
  if (tenths === null) return '—';
  const size = fromTenths(Math.abs(tenths)).toFixed(1);
  if (tenths > 0) return `+${size}`;
  if (tenths < 0) return `−${size}`;
  return size;
}

const dateFormats = new Map<string, Intl.DateTimeFormat>();

/**
 * A local calendar date for labels (the time of day does not matter when comparing periods). Formatters
 * are kept per language: building one costs more than formatting, and a trend can have hundreds of points.
 */
export function formatDate(iso: string, language: string): string {
  let format = dateFormats.get(language);
  if (!format) {
    format = new Intl.DateTimeFormat(language, { year: 'numeric', month: '2-digit', day: '2-digit' });
    dateFormats.set(language, format);
  }
  return format.format(new Date(iso));
}

/**
 * Text as it is compared when searching: full-width letters and digits as ASCII (NFKC: ＢＧＹ is BGY), any
 * case, and without the spaces, dots and dashes that names and codes are written with in several ways
 * (碧桂园·凤凰城 is found by 碧桂园凤凰城, BGY-001 by bgy001).
 */
export const searchable = (text: string): string =>
  text
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[\s·・•.\-_—]/g, '');

/** Sites whose name or code contains what was typed (a plain substring: Chinese has no word boundaries to use). */
export function matchSites(sites: readonly SiteOption[], query: string): SiteOption[] {
  const wanted = searchable(query);
  if (wanted === '') return [...sites];
  return sites.filter(
    (site) =>
      searchable(site.siteName).includes(wanted) ||
      (site.code !== undefined && searchable(site.code).includes(wanted)),
  );
}

/** The server's filter choices as the filters show them: ordered as filterOptions orders the local ones. */
export function serverFilterOptions(answer: {
  readonly regions: readonly string[];
  readonly sites: readonly { readonly siteKey: string; readonly siteName: string }[];
  readonly auditors: readonly string[];
  readonly newest: string | null;
}): FilterOptions {
  return {
    regions: [...answer.regions].sort(byChinese),
    auditors: [...answer.auditors].sort(byChinese),
    sites: answer.sites
      .map((s) => ({
        siteKey: s.siteKey,
        siteName: s.siteName,
        code: s.siteKey.startsWith('code:') ? s.siteKey.slice('code:'.length) : undefined,
      }))
      .sort((a, b) => byChinese(a.siteName, b.siteName)),
    newest: answer.newest ?? undefined,
  };
}
