/**
 * A text in the two languages the app speaks: Chinese for the zone's staff and banks, English for
 * programs and the rest. One shape wherever a text exists in both — a rendered reason, a field
 * error, a problem's detail, a loan refusal — with flat `zh` and `en` properties.
 */
export interface Bilingual {
  zh: string;
  en: string;
}

/** Both languages' texts side by side, joined: `join([a, b], { zh: '；', en: '; ' })`. */
export function joinBilingual(texts: readonly Bilingual[], by: Bilingual): Bilingual {
  return { zh: texts.map((t) => t.zh).join(by.zh), en: texts.map((t) => t.en).join(by.en) };
}
