/** The refusals of the registry — enterprises and institutions (`registry.*`, docs/API.md "Error codes"). */
import type { z } from 'zod';
import { notFound, Problem, type FieldError } from '../shared/problem';
import type { Bilingual } from '../../core/text';
import { requestErrors } from '../shared/request.errors';

const creditCodeTaken = (field: string): FieldError => ({
  field,
  code: 'registry.credit_code_taken',
  en: 'is registered already',
  zh: '已登记',
});

export const registryErrors = {
  creditCodeTaken: () =>
    new Problem(
      409,
      'Conflict',
      { en: 'An enterprise with this credit code is registered already.', zh: '该统一社会信用代码的企业已登记。' },
      [creditCodeTaken('creditCode')],
    ),

  /** A bulk registration: some rows' credit codes are registered already (all or none). */
  creditCodesTaken: (rows: number[]) =>
    new Problem(
      409,
      'Conflict',
      {
        en: 'Some enterprises are registered already; nothing was registered.',
        zh: '部分企业已登记；本次未登记任何企业。',
      },
      rows.map((i) => creditCodeTaken(`enterprises[${i}].creditCode`)),
    ),

  bulkInvalid: (error: z.ZodError, input: unknown) =>
    requestErrors.invalid(error, input, {
      en: 'Some enterprises have invalid fields; nothing was registered.',
      zh: '部分企业的字段不正确；本次未登记任何企业。',
    }),

  /** Rows of a bulk registration that repeat an earlier row's credit code: [row, first row]. */
  creditCodeRepeated: (repeats: [number, number][]) =>
    Problem.invalid(
      repeats.map(([i, j]) => ({
        field: `enterprises[${i}].creditCode`,
        code: 'registry.credit_code_repeated',
        en: `repeats enterprises[${j}].creditCode`,
        zh: `与第 ${j + 1} 家企业的统一社会信用代码重复`,
      })),
      {
        en: 'A credit code appears more than once; nothing was registered.',
        zh: '统一社会信用代码重复出现；本次未登记任何企业。',
      },
    ),

  /** The id is another institution's: that one by its name, the id in parentheses. */
  institutionTaken: (id: string, name: Bilingual) =>
    new Problem(
      409,
      'Conflict',
      { en: `Institution “${name.en}” (${id}) exists already.`, zh: `机构“${name.zh}”（${id}）已存在。` },
      [{ field: 'id', code: 'registry.institution_taken', en: 'is taken', zh: '已被占用' }],
    ),

  enterpriseNotFound: (id?: string) =>
    notFound({
      code: 'registry.enterprise_not_found',
      what: id ? { en: `Enterprise ${id}`, zh: `企业 ${id}` } : { en: 'The enterprise', zh: '企业' },
    }),

  institutionNotFound: () =>
    notFound({ code: 'registry.institution_not_found', what: { en: 'The institution', zh: '机构' } }),
};
