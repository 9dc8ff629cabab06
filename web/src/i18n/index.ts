import i18n from 'i18next';
import { initReactI18next } from 'react-i18next';
import en from './en.json';
import zh from './zh-CN.json';

export const LANGS = ['zh-CN', 'en'] as const;
export type Lang = (typeof LANGS)[number];

const stored = typeof localStorage !== 'undefined' ? localStorage.getItem('backstop.lang') : null;

void i18n.use(initReactI18next).init({
  resources: { 'zh-CN': { translation: zh }, en: { translation: en } },
  lng: stored === 'en' ? 'en' : 'zh-CN',
  fallbackLng: 'zh-CN',
  interpolation: { escapeValue: false },
  returnNull: false,
});

export function setLang(lang: Lang) {
  localStorage.setItem('backstop.lang', lang);
  document.documentElement.lang = lang;
  void i18n.changeLanguage(lang);
}
document.documentElement.lang = i18n.language;

/** Pick the zh or en text of a bilingual API value. */
export const pick = (v: { zh: string; en: string } | null | undefined, lang: string) =>
  v ? (lang.startsWith('zh') ? v.zh : v.en) : '';
export default i18n;
