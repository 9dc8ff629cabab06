/**
 * The printed documents' shared layout, on pdfkit: an A4 sheet with the zone's heading (the fund's
 * name, the document's title and number), numbered sections, label–value grids, ruled tables that
 * carry over to the next page with their header, paragraphs, a signature block, and on every page
 * a footer with the document's number, when it was generated and the page. One CJK font
 * (documents.font.ts), embedded as a subset; headings are the same font drawn with a thin outline.
 */
import PDFDocument from 'pdfkit';
import { cjkFont } from './documents.font';

/** A4 in points (210 × 297 mm). */
export const A4 = { width: 595.28, height: 841.89 } as const;
const MARGIN = { top: 56, bottom: 64, left: 56, right: 56 } as const;
const CONTENT = A4.width - MARGIN.left - MARGIN.right;
const PAD = 4;
const SIZE = { body: 10, small: 8, section: 12, title: 18, fund: 13 } as const;
const LINE = '#444444';
const SHADE = '#eeeeee';

export interface DocumentMeta {
  /** The fund's name: the zone's heading. */
  fund: string;
  /** The document's title (备案确认书 …). */
  title: string;
  /** What the document is about, under the title: 备案编号 …, 申请编号 …. */
  number: string;
  /** When it was generated (printed in Beijing time in the footer). */
  generatedAt: Date;
  /** The PDF's own title and subject (document properties). */
  subject: string;
}

/** One label and its value in a grid; `wide` takes a whole row. */
export interface Field {
  label: string;
  value: string;
  wide?: boolean;
}

/** An instant as Beijing time, `2025-09-03 14:05:06`. */
export function beijingTime(at: Date): string {
  return new Date(at.getTime() + 8 * 3_600_000).toISOString().slice(0, 19).replace('T', ' ');
}

/** The zone's calendar day of an instant (ISO text or Date). */
export function beijingDate(at: string | Date): string {
  return beijingTime(typeof at === 'string' ? new Date(at) : at).slice(0, 10);
}

const NUMERALS = ['一', '二', '三', '四', '五', '六', '七', '八', '九', '十'];

export class Sheet {
  private sections = 0;

  constructor(readonly doc: PDFKit.PDFDocument) {}

  private get bottom(): number {
    return A4.height - MARGIN.bottom;
  }

  /** Starts a new page when `height` more points do not fit on this one. */
  private room(height: number): void {
    if (this.doc.y + height > this.bottom) this.doc.addPage();
  }

  private strong(text: string, size: number, options: PDFKit.Mixins.TextOptions = {}): void {
    this.doc
      .fontSize(size)
      .lineWidth(size / 40)
      .fillColor('black')
      .strokeColor('black')
      .text(text, { ...options, fill: true, stroke: true });
    this.doc.lineWidth(0.6);
  }

  heading(meta: DocumentMeta): void {
    const { doc } = this;
    doc.x = MARGIN.left;
    doc.fontSize(SIZE.fund).fillColor('black').text(meta.fund, MARGIN.left, MARGIN.top, {
      width: CONTENT,
      align: 'center',
    });
    doc.moveDown(0.4);
    this.strong(meta.title, SIZE.title, { width: CONTENT, align: 'center', characterSpacing: 4 });
    doc.moveDown(0.3);
    doc.fontSize(SIZE.small).fillColor('#333333').text(meta.number, { width: CONTENT, align: 'center' });
    doc.fillColor('black');
    const y = doc.y + 6;
    doc
      .moveTo(MARGIN.left, y)
      .lineTo(MARGIN.left + CONTENT, y)
      .lineWidth(1.2)
      .strokeColor('black')
      .stroke();
    doc
      .moveTo(MARGIN.left, y + 2.5)
      .lineTo(MARGIN.left + CONTENT, y + 2.5)
      .lineWidth(0.4)
      .stroke();
    doc.lineWidth(0.6);
    doc.y = y + 12;
  }

  /** 一、Title — numbered in order. */
  section(title: string): void {
    this.room(60);
    this.doc.moveDown(0.6);
    this.doc.x = MARGIN.left;
    this.strong(`${NUMERALS[this.sections++] ?? this.sections}、${title}`, SIZE.section, { width: CONTENT });
    this.doc.moveDown(0.3);
  }

  paragraph(text: string, options: { size?: number; indent?: boolean; color?: string } = {}): void {
    const { doc } = this;
    doc.x = MARGIN.left;
    doc
      .fontSize(options.size ?? SIZE.body)
      .fillColor(options.color ?? 'black')
      .text(text, { width: CONTENT, lineGap: 3, indent: options.indent ? (options.size ?? SIZE.body) * 2 : 0 });
    doc.fillColor('black');
    doc.moveDown(0.3);
  }

  /** A ruled grid of labels (shaded) and values: two pairs a row, a wide field alone on its row. */
  fields(fields: Field[]): void {
    const label = 92;
    const value = CONTENT / 2 - label;
    const rows: Field[][] = [];
    for (const f of fields) {
      const last = rows[rows.length - 1];
      if (!f.wide && last && last.length === 1 && !last[0]!.wide) last.push(f);
      else rows.push([f]);
    }
    for (const row of rows) {
      const cells: Cell[] = [];
      for (const f of row) {
        cells.push({ text: f.label, width: label, shade: true });
        cells.push({ text: f.value || '—', width: f.wide ? CONTENT - label : value });
      }
      if (row.length === 1 && !row[0]!.wide) {
        cells[1]!.width = value;
        cells.push({ text: '', width: label, shade: true }, { text: '', width: value });
      }
      this.row(cells);
    }
    this.doc.x = MARGIN.left;
    this.doc.moveDown(0.2);
  }

  /**
   * A ruled table: column titles (shaded, repeated on a new page) and rows; `widths` are fractions of
   * the line. No rows: one row saying `empty`.
   */
  table(
    columns: { title: string; width: number; align?: 'left' | 'right' | 'center' }[],
    rows: string[][],
    empty = '（无）',
  ): void {
    const total = columns.reduce((s, c) => s + c.width, 0);
    const widths = columns.map((c) => (c.width / total) * CONTENT);
    const header = (): Cell[] =>
      columns.map((c, i) => ({ text: c.title, width: widths[i]!, shade: true, align: 'center' }));
    this.room(this.heightOf(header()) * 2);
    this.row(header());
    if (rows.length === 0) this.row([{ text: empty, width: CONTENT, align: 'center', color: '#555555' }]);
    for (const r of rows) {
      const cells = r.map((text, i): Cell => ({ text, width: widths[i]!, align: columns[i]!.align ?? 'left' }));
      if (this.doc.y + this.heightOf(cells) > this.bottom) {
        this.doc.addPage();
        this.row(header());
      }
      this.row(cells);
    }
    this.doc.x = MARGIN.left;
    this.doc.moveDown(0.2);
  }

  /** Where the parties sign or seal: each a label and a line, with the date below. */
  signatures(blocks: { label: string; lines: string[] }[]): void {
    const { doc } = this;
    this.room(110);
    doc.moveDown(1.2);
    const top = doc.y;
    const width = CONTENT / blocks.length;
    let lowest = top;
    blocks.forEach((b, i) => {
      const x = MARGIN.left + i * width;
      doc.fontSize(SIZE.body).text(b.label, x, top, { width: width - 12 });
      let y = doc.y + 26;
      for (const line of b.lines) {
        doc.text(line, x, y, { width: width - 12 });
        y = doc.y + 6;
      }
      lowest = Math.max(lowest, doc.y);
    });
    doc.x = MARGIN.left;
    doc.y = lowest + 8;
  }

  private heightOf(cells: Cell[]): number {
    this.doc.fontSize(SIZE.body);
    return (
      Math.max(...cells.map((c) => this.doc.heightOfString(c.text || ' ', { width: c.width - 2 * PAD, lineGap: 1 }))) +
      2 * PAD
    );
  }

  private row(cells: Cell[]): void {
    const { doc } = this;
    const height = this.heightOf(cells);
    this.room(height);
    const top = doc.y;
    let x = MARGIN.left;
    for (const c of cells) {
      if (c.shade) doc.rect(x, top, c.width, height).fill(SHADE);
      doc.rect(x, top, c.width, height).lineWidth(0.6).strokeColor(LINE).stroke();
      doc
        .fillColor(c.color ?? 'black')
        .fontSize(SIZE.body)
        .text(c.text, x + PAD, top + PAD, { width: c.width - 2 * PAD, align: c.align ?? 'left', lineGap: 1 });
      x += c.width;
    }
    doc.fillColor('black');
    doc.x = MARGIN.left;
    doc.y = top + height;
  }
}

interface Cell {
  text: string;
  width: number;
  shade?: boolean;
  align?: 'left' | 'right' | 'center';
  color?: string;
}

/** Draws a document and answers its bytes: A4, the CJK font embedded as a subset, a footer on every page. */
export async function renderPdf(meta: DocumentMeta, draw: (sheet: Sheet) => void): Promise<Buffer> {
  const font = cjkFont();
  const doc = new PDFDocument({
    size: 'A4',
    margins: MARGIN,
    bufferPages: true,
    info: {
      Title: `${meta.title} ${meta.number}`,
      Subject: meta.subject,
      Author: meta.fund,
      Creator: 'Backstop',
      CreationDate: meta.generatedAt,
    },
    lang: 'zh-CN',
    displayTitle: true,
  });
  const chunks: Buffer[] = [];
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('data', (c: Buffer) => chunks.push(c));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
  doc.registerFont('cjk', font.bytes, font.family as string);
  doc.font('cjk').lineWidth(0.6);
  const sheet = new Sheet(doc);
  sheet.heading(meta);
  draw(sheet);
  const pages = doc.bufferedPageRange();
  for (let i = pages.start; i < pages.start + pages.count; i++) {
    doc.switchToPage(i);
    // Below the bottom margin: pdfkit would start a new page for text there unless told otherwise.
    const bottom = doc.page.margins.bottom;
    doc.page.margins.bottom = 0;
    const y = A4.height - MARGIN.bottom + 22;
    doc
      .moveTo(MARGIN.left, y - 6)
      .lineTo(MARGIN.left + CONTENT, y - 6)
      .lineWidth(0.4)
      .strokeColor('#888888')
      .stroke();
    doc
      .fontSize(SIZE.small)
      .fillColor('#555555')
      .text(`${meta.number}\u3000生成时间：${beijingTime(meta.generatedAt)}（北京时间）`, MARGIN.left, y, {
        width: CONTENT * 0.75,
        lineBreak: false,
      })
      .text(`第 ${i - pages.start + 1} 页 / 共 ${pages.count} 页`, MARGIN.left + CONTENT * 0.75, y, {
        width: CONTENT * 0.25,
        align: 'right',
        lineBreak: false,
      });
    doc.page.margins.bottom = bottom;
  }
  doc.end();
  return done;
}
