/**
 * The refusals of bulk filing (`import.*`, docs/API.md "Error codes"): the upload, the file as a
 * whole (refused before anything is filed), a job not found, and a row's duplicate within its file.
 * A row's other errors carry the codes of the API's own checks (`request.*`, `filing.*`).
 */
import type { Bilingual } from '../../core/text';
import { notFound, Problem, type FieldError } from '../shared/problem';
import { withZh } from '../shared/request.errors';

const fileError = (code: string, text: Bilingual): Problem =>
  Problem.invalid([{ field: 'file', code, ...text }], {
    en: `The file cannot be imported: ${text.en}.`,
    zh: `该文件不能导入：${text.zh}。`,
  });

const uploadInvalid = (code: string, text: Bilingual, field = 'file'): Problem =>
  Problem.invalid([{ field, code, ...text }]);

export const importErrors = {
  bankImportsForItself: () =>
    Problem.invalid([
      {
        field: 'bankId',
        code: 'import.bank_imports_for_itself',
        en: 'a bank imports for itself only',
        zh: '银行只能为本行导入',
      },
    ]),

  bankRequired: () =>
    Problem.invalid([
      {
        field: 'bankId',
        code: 'import.bank_required',
        en: 'is required when a manager imports for a bank',
        zh: '管理人代银行导入时必填',
      },
    ]),

  bankUnknown: (bankId: string) =>
    Problem.invalid([
      {
        field: 'bankId',
        code: 'import.bank_unknown',
        en: `is not a registered bank: ${bankId}`,
        zh: `不是已登记的银行：${bankId}`,
      },
    ]),

  notFound: (id: string) => notFound({ code: 'import.not_found', what: { en: `Import ${id}`, zh: `导入任务 ${id}` } }),

  // The upload (multipart/form-data, streamed to disk)
  notMultipart: () =>
    new Problem(
      415,
      'Unsupported media type',
      {
        en: 'Send the file as multipart/form-data with a field named `file`.',
        zh: '请以 multipart/form-data 上传，字段名为 file。',
      },
      [
        {
          field: 'file',
          code: 'import.not_multipart',
          en: 'send multipart/form-data',
          zh: '请以 multipart/form-data 上传',
        },
      ],
    ),

  fileRequired: (en = 'is required: a multipart field named `file`') =>
    uploadInvalid('import.file_required', { en, zh: '必填：名为 file 的文件字段' }),

  fileTooLarge: (maxBytes: number, what: 'upload' | 'file') =>
    new Problem(
      413,
      'File too large',
      {
        en: `The ${what} must not exceed ${maxBytes} bytes.`,
        zh: `${what === 'file' ? '文件' : '上传内容'}不能超过 ${maxBytes} 字节。`,
      },
      [
        {
          field: 'file',
          code: 'import.file_too_large',
          en: `is larger than ${maxBytes} bytes`,
          zh: `超过 ${maxBytes} 字节`,
        },
      ],
    ),

  fieldTooLong: (field: string, maxBytes: number) =>
    uploadInvalid(
      'import.field_too_long',
      { en: `is longer than ${maxBytes} bytes`, zh: `超过 ${maxBytes} 字节` },
      field,
    ),

  malformedMultipart: () =>
    uploadInvalid('import.malformed_multipart', {
      en: 'the multipart headers are malformed',
      zh: '上传的分段头格式错误',
    }),

  oneFileOnly: () => uploadInvalid('import.one_file_only', { en: 'send one file per import', zh: '每次导入一个文件' }),

  uploadCutOff: () =>
    uploadInvalid('import.upload_cut_off', {
      en: 'the multipart body ended early (the upload was cut off)',
      zh: '上传内容不完整（上传被中断）',
    }),

  // The file as a whole: refused before anything is filed
  fileEmpty: () => fileError('import.file_empty', { en: 'is empty', zh: '是空文件' }),

  fileUtf16: () =>
    fileError('import.file_encoding', {
      en: 'is UTF-16 text; save it as “CSV UTF-8” or as an Excel workbook (.xlsx)',
      zh: '是 UTF-16 文本；请另存为“CSV UTF-8”或 Excel 工作簿（.xlsx）',
    }),

  fileBinary: () =>
    fileError('import.file_not_spreadsheet', {
      en: 'is not a CSV or XLSX spreadsheet (it has binary content)',
      zh: '不是 CSV 或 XLSX 表格（含二进制内容）',
    }),

  lineNotDecodable: (line: number) =>
    fileError('import.file_encoding', {
      en: `line ${line} is neither UTF-8 nor GBK (GB18030) text; save the file as “CSV UTF-8” or .xlsx`,
      zh: `第 ${line} 行既不是 UTF-8 也不是 GBK（GB18030）文本；请将文件另存为“CSV UTF-8”或 .xlsx`,
    }),

  /** The header lacks a required column or gives one twice (imports.columns.ts HeaderProblem). */
  header: (text: Bilingual) => fileError('import.header_invalid', text),

  /** The file cannot be read as CSV or XLSX (rows.ts FileFormatError, in English). */
  unreadable: (en: string) => fileError('import.file_unreadable', withZh(en)),

  noRows: () => fileError('import.file_no_rows', { en: 'has no rows under its header', zh: '表头下没有数据行' }),

  // A row
  duplicateInFile: (column: string, firstLine: number): FieldError => ({
    field: column,
    code: 'import.duplicate_in_file',
    en: `appears again in this file (first on line ${firstLine})`,
    zh: `本文件中重复出现（首次在第 ${firstLine} 行）`,
  }),
};

/** Why a job stopped without being done (import_jobs.error, shown with the job), in Chinese and English. */
export const importFailures = {
  interruptedTooOften: (times: number, lastLine: number): Bilingual => ({
    zh: `导入已因服务器停止中断 ${times} 次，不再自动续传；请再次上传同一文件，将从第 ${lastLine} 行之后继续，已备案的行不会重复备案`,
    en: `the import was interrupted ${times} times (its server stopped) and is not resumed by itself any more; upload the same file again: it resumes after line ${lastLine}, filing nothing twice`,
  }),
  fileNotKept: (lastLine: number): Bilingual => ({
    zh: `导入因服务器停止而中断，其文件未能保存，无法由其他服务器接续；请再次上传同一文件，将从第 ${lastLine} 行之后继续，已备案的行不会重复备案`,
    en: `the import was interrupted (its server stopped) before its file was kept, so no other server can resume it; upload the same file again: it resumes after line ${lastLine}, filing nothing twice`,
  }),
  notResumed: (lastLine: number): Bilingual => ({
    zh: `导入因服务器停止而中断，且未能接续（已记录日志）；请再次上传同一文件，将从第 ${lastLine} 行之后继续`,
    en: `the import was interrupted (its server stopped) and could not be resumed; it has been logged; upload the same file again: it resumes after line ${lastLine}`,
  }),
};
