import { join } from 'node:path';
import type { Plugin, Rollup } from 'vite';
import { pathPattern, routeTable } from '../src/app/route-table.ts';
import { DATE_TIME_OPTIONS } from '../src/app/date-time-options.ts';
import { DEFAULT_LANGUAGE, LANGUAGE_STORAGE_KEY, languages, type Language } from '../src/i18n/language.ts';

/** The file each language's catalogue is built from (src/i18n/index.ts imports each on its own). */
const catalogueModules: Record<Language, string> = { 'zh-CN': 'src/i18n/zh-CN.ts', en: 'src/i18n/en.ts' };

const isChunk = (file: Rollup.OutputChunk | Rollup.OutputAsset): file is Rollup.OutputChunk =>
  file.type === 'chunk';

/**
 * The script index.html runs first: it preloads (modulepreload) the code of the screen the URL opens and of
 * the language the app will start in, so they download alongside the main bundle instead of after it has run,
 * and warms up that language's date format.
 * Self-contained ES5: it runs before anything else and cannot import.
 */
export function routePreloadScript(
  routes: readonly (readonly [pattern: string, files: readonly string[]])[],
  catalogues: Readonly<Record<Language, readonly string[]>>,
): string {
  return `(function () {
  function preload(files) {
    for (var i = 0; i < files.length; i++) {
      var link = document.createElement('link');
      link.rel = 'modulepreload';
      link.crossOrigin = '';
      link.href = files[i];
      document.head.appendChild(link);
    }
  }
  var routes = ${JSON.stringify(routes)};
  var path = location.hash.replace(/^#/, '').replace(/[?#].*$/, '') || '/';
  for (var r = 0; r < routes.length; r++) {
    if (new RegExp(routes[r][0]).test(path)) {
      preload(routes[r][1]);
      break;
    }
  }
  // Not needed for the first requests (the entry's and the route's code), and reading localStorage the first
  // time can take a while: the rest runs in a task of its own, while the modules download.
  setTimeout(function () {
    var language = ${JSON.stringify(DEFAULT_LANGUAGE)};
    try {
      var saved = localStorage.getItem(${JSON.stringify(LANGUAGE_STORAGE_KEY)});
      if (${JSON.stringify(languages)}.indexOf(saved) >= 0) language = saved;
    } catch (e) {}
    preload(${JSON.stringify(catalogues)}[language]);
    // The first Intl object a page makes loads the locale's data (15–45 ms): made now, the app's date format
    // costs nothing on the first screen.
    try {
      new Intl.DateTimeFormat(language, ${JSON.stringify(DATE_TIME_OPTIONS)});
    } catch (e) {}
  }, 0);
})();`;
}

/**
 * Makes index.html preload each route's chunk (see routePreloadScript). Vite preloads only what the entry
 * imports statically, so a screen's chunk used to be requested only once the main bundle had downloaded and
 * run: one more round trip before the first screen. Fails the build when a screen's module made no chunk.
 */
export function routePreload(): Plugin {
  let root = '';
  let base = '/';
  return {
    name: 'ducha:route-preload',
    apply: 'build',
    configResolved(config) {
      root = config.root;
      base = config.base;
    },
    transformIndexHtml: {
      order: 'post',
      handler(html, { bundle, chunk: entry }) {
        if (bundle === undefined || entry === undefined) return;
        const chunks = Object.values(bundle).filter(isChunk);
        const staticGraph = (start: Rollup.OutputChunk): Set<string> => {
          const seen = new Set<string>();
          const visit = (chunk: Rollup.OutputChunk) => {
            if (seen.has(chunk.fileName)) return;
            seen.add(chunk.fileName);
            for (const name of chunk.imports) {
              const imported = bundle[name];
              if (imported !== undefined && isChunk(imported)) visit(imported);
            }
          };
          visit(start);
          return seen;
        };
        const alreadyPreloaded = staticGraph(entry);
        const filesOf = (module: string): string[] => {
          const id = join(root, module);
          const chunk = chunks.find((c) => c.facadeModuleId === id);
          if (chunk === undefined)
            throw new Error(
              `route preload: no chunk is built from ${module}; update src/app/route-table.ts (screens) or catalogueModules here`,
            );
          return [...staticGraph(chunk)].filter((f) => !alreadyPreloaded.has(f)).map((f) => `${base}${f}`);
        };
        const rubricFiles = chunks
          .filter((c) => c.facadeModuleId?.startsWith('\0virtual:shipped-rubric/') === true)
          .map((c) => `${base}${c.fileName}`);
        const routes = routeTable.map(
          (r) =>
            [pathPattern(r.path), [...filesOf(r.module), ...('rubrics' in r ? rubricFiles : [])]] as const,
        );
        const catalogues = {
          'zh-CN': filesOf(catalogueModules['zh-CN']),
          en: filesOf(catalogueModules.en),
        } satisfies Record<Language, string[]>;
        // After the entry's own preloads (fetched first: the route needs them too) and before the first
        // stylesheet, since a classic script waits for the stylesheets above it.
        const script = `<script>${routePreloadScript(routes, catalogues)}</script>\n    `;
        const stylesheet = html.search(/<link rel="stylesheet"/);
        const at = stylesheet === -1 ? html.indexOf('</head>') : stylesheet;
        if (at === -1) throw new Error('route preload: index.html has no </head>');
        return `${html.slice(0, at)}${script}${html.slice(at)}`;
      },
    },
  };
}
