import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { routePreloadScript } from '../../build-plugins/route-preload';
import { hashPath, matchRoute, pathPattern, routeTable } from './route-table';

const hashes: [hash: string, screen: string | undefined, params: Record<string, string>][] = [
  ['', 'auditList', {}],
  ['#/', 'auditList', {}],
  ['#/new', 'newAudit', {}],
  [
    '#/audits/5b1c0e2a-0000-4000-8000-000000000001',
    'scoring',
    { id: '5b1c0e2a-0000-4000-8000-000000000001' },
  ],
  ['#/audits/abc?focus=1.2', 'scoring', { id: 'abc' }],
  ['#/audits/abc/', 'scoring', { id: 'abc' }],
  ['#/audits/abc/review', 'review', { id: 'abc' }],
  ['#/audits/%E4%B8%AD', 'scoring', { id: '中' }],
  ['#/audits/%E4', 'scoring', { id: '%E4' }],
  ['#/settings', 'settings', {}],
  ['#/dashboard', 'dashboard', {}],
  ['#/site-audits', 'siteAudits', {}],
  ['#/site-audits/5b1c0e2a-0000-4000-8000-000000000001', 'siteAudit', { id: '5b1c0e2a-0000-4000-8000-000000000001' }],
  ['#/admin', 'admin', {}],
  ['#/audits', undefined, {}],
  ['#/audits/abc/review/more', undefined, {}],
  ['#/nowhere', undefined, {}],
];

/** What index.html's script preloads for a hash, run as the browser would run it. */
function preloadedFor(hash: string, saved: string | null = null): string[] {
  const links: string[] = [];
  const timers: (() => void)[] = [];
  const link = { rel: '', crossOrigin: '', href: '' };
  const browser = {
    document: {
      createElement: () => ({ ...link }),
      head: { appendChild: (element: typeof link) => links.push(`${element.rel}:${element.href}`) },
    },
    location: { hash },
    localStorage: { getItem: () => saved },
    setTimeout: (run: () => void) => timers.push(run),
    Intl,
  };
  const routes = routeTable.map((r) => [pathPattern(r.path), [`/${r.screen}.js`]] as const);
  const script = routePreloadScript(routes, { 'zh-CN': ['/zh-CN.js'], en: ['/en.js'] });
  runInNewContext(script, browser);
  for (const run of timers) run();
  return links;
}

describe('the route table', () => {
  it.each(hashes)('%j opens %s', (hash, screen, params) => {
    const match = matchRoute(hashPath(hash));
    expect(match?.route.screen).toBe(screen);
    if (match) expect(match.params).toEqual(params);
  });

  it.each(hashes)(
    'index.html preloads for %j what the app opens (%s) and the starting language',
    (hash, screen) => {
      expect(preloadedFor(hash)).toEqual([
        ...(screen === undefined ? [] : [`modulepreload:/${screen}.js`]),
        'modulepreload:/zh-CN.js',
      ]);
    },
  );

  it('preloads the language last chosen on this device, and Chinese for anything else', () => {
    expect(preloadedFor('#/new', 'en')).toEqual(['modulepreload:/newAudit.js', 'modulepreload:/en.js']);
    expect(preloadedFor('#/new', 'fr')).toEqual(['modulepreload:/newAudit.js', 'modulepreload:/zh-CN.js']);
  });
});
