import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { create, type Font } from 'fontkit';
import { beforeAll, describe, expect, it } from 'vitest';
import { ensureDocumentTools } from '../../../test/http/documents-tools';
import { cjkFontStatus, CJK_FONT_PACKAGE, DEBIAN_CJK_FONT } from './documents.font';

beforeAll(() => ensureDocumentTools(), 300_000);

describe('the documents’ CJK font', () => {
  it('is Debian’s WenQuanYi Micro Hei by default: the collection’s first font', () => {
    const status = cjkFontStatus(undefined);
    expect(status).toMatchObject({ ok: true, font: { path: DEBIAN_CJK_FONT, family: 'WenQuanYiMicroHei' } });
  });

  it('takes another font of a collection by its PostScript name', () => {
    const status = cjkFontStatus(`${DEBIAN_CJK_FONT}#WenQuanYiMicroHeiMono`);
    expect(status).toMatchObject({ ok: true, font: { family: 'WenQuanYiMicroHeiMono' } });
  });

  it('names the setting and the package when the file is missing', () => {
    const status = cjkFontStatus('/nonexistent/font.ttc');
    expect(status.ok).toBe(false);
    expect(!status.ok && status.reason).toMatch(/BACKSTOP_PDF_FONT: \/nonexistent\/font\.ttc does not exist/);
    expect(!status.ok && status.reason).toContain(CJK_FONT_PACKAGE);
  });

  it('refuses a file that is not a font, and a font without Chinese glyphs', () => {
    const dir = mkdtempSync(join(tmpdir(), 'backstop-font-'));
    writeFileSync(join(dir, 'notes.ttf'), 'not a font at all');
    const notFont = cjkFontStatus(join(dir, 'notes.ttf'));
    expect(!notFont.ok && notFont.reason).toMatch(/is not a font/);
    // A Latin-only font: the subset of WenQuanYi Micro Hei that holds A, B and C.
    const wqy = create(readFileSync(DEBIAN_CJK_FONT), 'WenQuanYiMicroHei') as Font;
    const subset = wqy.createSubset();
    for (const ch of 'ABC') subset.includeGlyph(wqy.glyphForCodePoint(ch.codePointAt(0)!));
    writeFileSync(join(dir, 'latin.ttf'), subset.encode());
    const latin = cjkFontStatus(join(dir, 'latin.ttf'));
    expect(!latin.ok && latin.reason).toMatch(/has no Chinese glyphs/);
  });
});
