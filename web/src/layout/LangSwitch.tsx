import { useTranslation } from 'react-i18next';
import { setLang } from '../i18n';

/** One click between 中文 and English. */
export function LangSwitch() {
  const { i18n } = useTranslation();
  const zh = i18n.language.startsWith('zh');
  return (
    <button
      type="button"
      className="link lang"
      onClick={() => setLang(zh ? 'en' : 'zh-CN')}
      lang={zh ? 'en' : 'zh-CN'}
      data-testid="lang-switch"
    >
      {zh ? 'English' : '中文'}
    </button>
  );
}
