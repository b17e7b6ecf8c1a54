import i18next from 'i18next';
import { initReactI18next } from 'react-i18next';
import { DEFAULT_LANGUAGE, isLanguage, LANGUAGE_STORAGE_KEY, type Language } from './language';
import type { Messages } from './zh-CN';

export { languages, type Language } from './language';

/**
 * Each catalogue is a chunk of its own: a page downloads and parses only the language it shows (index.html
 * preloads that one, see build-plugins/route-preload.ts); the other arrives when the header switch asks for it.
 */
const catalogues: Record<Language, () => Promise<Messages>> = {
  'zh-CN': () => import('./zh-CN').then((m) => m.zhCN),
  en: () => import('./en').then((m) => m.en),
};

/** The language the app starts in: the one last chosen on this device, else Chinese. */
export function initialLanguage(): Language {
  let saved: string | null = null;
  try {
    saved = typeof localStorage === 'undefined' ? null : localStorage.getItem(LANGUAGE_STORAGE_KEY);
  } catch {
    // Storage refused (a sandboxed or locked-down browser): start in Chinese.
  }
  return isLanguage(saved) ? saved : DEFAULT_LANGUAGE;
}

export async function initI18n(): Promise<void> {
  const language = initialLanguage();
  const messages = await catalogues[language]();
  await i18next.use(initReactI18next).init({
    resources: { [language]: { translation: messages } },
    lng: language,
    // Both catalogues have every key (en.ts is typed by zh-CN's shape), so nothing ever falls back.
    fallbackLng: false,
    interpolation: { escapeValue: false },
    returnNull: false,
  });
  document.documentElement.lang = i18next.language;
}

/** Fetches a catalogue not yet on the page (rejects when it cannot be fetched, e.g. offline and not cached). */
export async function loadCatalogue(language: Language): Promise<void> {
  if (i18next.hasResourceBundle(language, 'translation')) return;
  i18next.addResourceBundle(language, 'translation', await catalogues[language]());
}

export async function setLanguage(language: Language): Promise<void> {
  await loadCatalogue(language);
  await i18next.changeLanguage(language);
  localStorage.setItem(LANGUAGE_STORAGE_KEY, language);
  document.documentElement.lang = language;
}

export function currentLanguage(): Language {
  return isLanguage(i18next.language) ? i18next.language : DEFAULT_LANGUAGE;
}
