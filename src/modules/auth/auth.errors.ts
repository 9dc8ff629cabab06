/**
 * The refusals of sign-in, sessions, API tokens and user accounts (`auth.*`, docs/API.md "Error
 * codes"), each with its code, field and both languages.
 */
import { notFound, Problem } from '../shared/problem';

const ROLES_ZH: Record<string, string> = {
  manager: '管理人',
  reviewer: '复核人',
  bank: '银行',
  guarantor: '担保机构',
  auditor: '审计',
};

export const authErrors = {
  /** No session and no API token. */
  unauthenticated: () =>
    new Problem(
      401,
      'Not signed in',
      {
        en: 'Sign in, or send an API token as `Authorization: Bearer …`.',
        zh: '请先登录，或以 Authorization: Bearer … 发送 API 令牌。',
      },
      [{ field: 'Authorization', code: 'auth.unauthenticated', en: 'sign in first', zh: '请先登录' }],
    ),

  invalidToken: () =>
    new Problem(401, 'Invalid token', { en: 'The API token is unknown or revoked.', zh: 'API 令牌无效或已吊销。' }, [
      { field: 'Authorization', code: 'auth.invalid_token', en: 'is unknown or revoked', zh: '无效或已吊销' },
    ]),

  /** The role may not do the action. */
  forbidden: (role: string, action: string) =>
    new Problem(
      403,
      'Forbidden',
      { en: `The ${role} role may not do this (${action}).`, zh: `“${ROLES_ZH[role] ?? role}”角色无权执行此操作。` },
      [
        {
          field: '(role)',
          code: 'auth.forbidden',
          en: `the ${role} role may not ${action}`,
          zh: `“${ROLES_ZH[role] ?? role}”角色无权执行 ${action}`,
        },
      ],
    ),

  csrfFailed: () =>
    new Problem(
      403,
      'CSRF check failed',
      {
        en: 'Send the backstop_csrf cookie value in the X-CSRF-Token header.',
        zh: '请在 X-CSRF-Token 请求头中发送 backstop_csrf cookie 的值。',
      },
      [{ field: 'X-CSRF-Token', code: 'auth.csrf_failed', en: 'is missing or wrong', zh: '缺失或不正确' }],
    ),

  invalidCredentials: () =>
    new Problem(401, 'Sign-in failed', { en: 'The username or password is wrong.', zh: '用户名或密码错误。' }, [
      {
        field: 'password',
        code: 'auth.invalid_credentials',
        en: 'the username or password is wrong',
        zh: '用户名或密码错误',
      },
    ]),

  /** Too many failed sign-ins (auth.throttle.ts): wait `seconds`. */
  rateLimited: (seconds: number) => {
    const minutes = Math.ceil(seconds / 60);
    const when =
      seconds < 120
        ? { en: `${seconds} seconds`, zh: `${seconds} 秒` }
        : { en: `${minutes} minutes`, zh: `${minutes} 分钟` };
    return new Problem(
      429,
      'Too many sign-in attempts',
      {
        en: `Too many failed sign-ins; try again in ${when.en}.`,
        zh: `登录失败次数过多，请 ${when.zh}后再试。`,
      },
      [
        {
          field: 'username',
          code: 'auth.rate_limited',
          en: `too many failed sign-ins; try again in ${when.en}`,
          zh: `登录失败次数过多，请 ${when.zh}后再试`,
        },
      ],
      { 'retry-after': String(seconds) },
    );
  },

  wrongCurrentPassword: () =>
    Problem.invalid([
      {
        field: 'currentPassword',
        code: 'auth.wrong_current_password',
        en: 'is not your current password',
        zh: '不是当前密码',
      },
    ]),

  samePassword: () =>
    Problem.invalid([
      {
        field: 'newPassword',
        code: 'auth.password_unchanged',
        en: 'must differ from the current password',
        zh: '不能与当前密码相同',
      },
    ]),

  passwordTooShort: (field: string, min: number) =>
    Problem.invalid([
      { field, code: 'auth.password_too_short', en: `must be at least ${min} characters`, zh: `至少 ${min} 个字符` },
    ]),

  usernameTaken: (username: string) =>
    new Problem(409, 'Conflict', { en: `The username ${username} is taken.`, zh: `用户名 ${username} 已被占用。` }, [
      { field: 'username', code: 'auth.username_taken', en: 'is taken', zh: '已被占用' },
    ]),

  /** A bank officer without a bank, a guarantor officer without a guarantor. */
  institutionRequired: (field: 'bankId' | 'guarantorId') =>
    Problem.invalid([
      field === 'bankId'
        ? { field, code: 'auth.institution_required', en: 'is required for a bank officer', zh: '银行用户必填' }
        : {
            field,
            code: 'auth.institution_required',
            en: 'is required for a guarantor officer',
            zh: '担保机构用户必填',
          },
    ]),

  /** A bankId for someone who is not a bank officer, a guarantorId for someone not a guarantor's. */
  institutionNotForRole: (field: 'bankId' | 'guarantorId') =>
    Problem.invalid([
      field === 'bankId'
        ? { field, code: 'auth.institution_not_for_role', en: 'is only for a bank officer', zh: '仅适用于银行用户' }
        : {
            field,
            code: 'auth.institution_not_for_role',
            en: 'is only for a guarantor officer',
            zh: '仅适用于担保机构用户',
          },
    ]),

  institutionUnknown: (field: 'bankId' | 'guarantorId', id: string) =>
    Problem.invalid([
      field === 'bankId'
        ? {
            field,
            code: 'auth.institution_unknown',
            en: `is not a registered bank: ${id}`,
            zh: `不是已登记的银行：${id}`,
          }
        : {
            field,
            code: 'auth.institution_unknown',
            en: `is not a registered guarantor: ${id}`,
            zh: `不是已登记的担保机构：${id}`,
          },
    ]),

  cannotDisableSelf: () =>
    new Problem(409, 'Conflict', { en: 'You cannot disable your own account.', zh: '不能停用自己的账号。' }, [
      {
        field: 'disabled',
        code: 'auth.cannot_disable_self',
        en: 'cannot disable your own account',
        zh: '不能停用自己的账号',
      },
    ]),

  userNotFound: (id: string) => notFound({ code: 'auth.user_not_found', what: { en: `User ${id}`, zh: `用户 ${id}` } }),

  tokenNotFound: (id: string) =>
    notFound({ code: 'auth.token_not_found', what: { en: `API token ${id}`, zh: `API 令牌 ${id}` } }),
};
