/**
 * The CJK font the printed documents embed (a subset: only the glyphs a document uses). By default
 * Debian's WenQuanYi Micro Hei (`apt-get install fonts-wqy-microhei`), the font the browser tests
 * install; `BACKSTOP_PDF_FONT` names another TrueType/OpenType file or collection (a collection's
 * first font, or `path#PostScriptName`). Read once and kept: a document is then made in memory.
 * Missing, the documents answer 503 naming the package (and the server warns at start), the rest
 * of the app runs (docs/OPERATIONS.md, “Printed documents”).
 */
import { existsSync, readFileSync } from 'node:fs';
import { create, type Font, type FontCollection } from 'fontkit';
import { documentErrors } from './documents.errors';

export const DEBIAN_CJK_FONT = '/usr/share/fonts/truetype/wqy/wqy-microhei.ttc';
export const CJK_FONT_PACKAGE = 'fonts-wqy-microhei';

export interface CjkFont {
  /** The font file's bytes, as pdfkit takes them. */
  bytes: Buffer;
  /** The PostScript name of the font inside a collection (pdfkit's `family`), or undefined. */
  family: string | undefined;
  path: string;
}

export type FontStatus = { ok: true; font: CjkFont } | { ok: false; reason: string };

/** Characters every document prints: a font without them is not a Chinese font. */
const PROBE = '补偿审批表拨付通知壹贰叁';

function load(setting: string | undefined): FontStatus {
  const [path, name] = setting ? (setting.split('#', 2) as [string, string | undefined]) : [DEBIAN_CJK_FONT, undefined];
  if (!existsSync(path))
    return {
      ok: false,
      reason: setting
        ? `BACKSTOP_PDF_FONT: ${path} does not exist (unset it to use Debian's ${CJK_FONT_PACKAGE}: apt-get install ${CJK_FONT_PACKAGE})`
        : `the CJK font ${DEBIAN_CJK_FONT} is missing: install Debian's ${CJK_FONT_PACKAGE} (apt-get install ${CJK_FONT_PACKAGE}) or set BACKSTOP_PDF_FONT to a TrueType/OpenType font with Chinese glyphs`,
    };
  let bytes: Buffer;
  let font: Font;
  let family: string | undefined;
  try {
    bytes = readFileSync(path);
    const opened = create(bytes, name) as Font | FontCollection;
    if ('fonts' in opened) {
      font = opened.fonts[0]!;
      family = font.postscriptName;
    } else {
      font = opened;
      family = name;
    }
  } catch (e) {
    return { ok: false, reason: `${path} is not a font pdfkit can read (${(e as Error).message})` };
  }
  let missing: string[];
  try {
    missing = [...PROBE].filter((ch) => !font.hasGlyphForCodePoint(ch.codePointAt(0)!));
  } catch {
    missing = [...PROBE]; // no character map at all
  }
  if (missing.length)
    return { ok: false, reason: `${path} has no Chinese glyphs (${missing.join('')}): choose a CJK font` };
  return { ok: true, font: { bytes, family, path } };
}

let cached: { setting: string | undefined; status: FontStatus } | undefined;

/** The font, or why there is none; looked up once per setting (a font installed later is found after a restart). */
export function cjkFontStatus(setting = process.env.BACKSTOP_PDF_FONT): FontStatus {
  if (!cached || cached.setting !== setting) cached = { setting, status: load(setting) };
  return cached.status;
}

/** The font for a document, or a 503 naming what to install. */
export function cjkFont(): CjkFont {
  let status = cjkFontStatus();
  // A font installed while the server runs is picked up at the next document.
  if (!status.ok) {
    cached = undefined;
    status = cjkFontStatus();
  }
  if (status.ok) return status.font;
  throw documentErrors.fontMissing(status.reason);
}
