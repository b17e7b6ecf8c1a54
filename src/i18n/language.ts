// Which language a page starts in, readable without loading i18next: the build's index.html script uses it to
// preload that language's catalogue (build-plugins/route-preload.ts).
export const languages = ['zh-CN', 'en'] as const;
export type Language = (typeof languages)[number];
export const DEFAULT_LANGUAGE: Language = 'zh-CN';
/** localStorage key of the language last chosen on this device. */
export const LANGUAGE_STORAGE_KEY = 'ducha.language';

export const isLanguage = (value: unknown): value is Language => languages.some((l) => l === value);
