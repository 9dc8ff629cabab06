/** The refusals of webhooks (`webhook.*`, docs/API.md "Error codes"). */
import { notFound, Problem, type FieldError } from '../shared/problem';

/** A field error on `url`: not https, or a loopback, private or reserved address (SSRF). */
export const urlNotAllowed = (en: string, zh: string): FieldError => ({
  field: 'url',
  code: 'webhook.url_not_allowed',
  en,
  zh,
});

export const webhookErrors = {
  endpointNotFound: (id: string) =>
    notFound({ code: 'webhook.not_found', what: { en: `Webhook endpoint ${id}`, zh: `回调地址 ${id}` } }),

  deliveryNotFound: (id: string) =>
    notFound({ code: 'webhook.delivery_not_found', what: { en: `Delivery ${id}`, zh: `推送记录 ${id}` } }),

  /** The URL refused (urlRefusal). */
  urlRefused: (error: FieldError) => Problem.invalid([error]),

  bankNotOwn: () =>
    Problem.invalid([
      {
        field: 'bankId',
        code: 'webhook.bank_not_own',
        en: 'a bank registers endpoints for itself only',
        zh: '银行只能为本行登记回调地址',
      },
    ]),

  bankRequired: () =>
    Problem.invalid([
      {
        field: 'bankId',
        code: 'request.required',
        en: 'is required when a manager registers an endpoint for a bank',
        zh: '管理人为银行登记回调地址时须填写银行',
      },
    ]),

  bankUnknown: (bankId: string) =>
    Problem.invalid([
      {
        field: 'bankId',
        code: 'webhook.bank_unknown',
        en: `is not a registered bank: ${bankId}`,
        zh: `不是已登记的银行：${bankId}`,
      },
    ]),

  /** 409: a deleted endpoint is not changed, and its deliveries are not sent again. */
  endpointDeleted: (detail: { en: string; zh: string }, error: { en: string; zh: string }) =>
    new Problem(409, 'Deleted', detail, [{ field: 'id', code: 'webhook.endpoint_deleted', ...error }]),

  /** 409: a delivery still waiting for its attempt (or being sent) is not replayed. */
  deliveryPending: () =>
    new Problem(
      409,
      'Still pending',
      {
        en: 'The delivery is still waiting for its next attempt; it is not replayed.',
        zh: '该推送仍在等待下一次发送，不能重发。',
      },
      [
        {
          field: 'id',
          code: 'webhook.delivery_pending',
          en: 'is still pending (waiting for its next attempt or being sent)',
          zh: '仍在等待发送，不能重发',
        },
      ],
    ),
};
