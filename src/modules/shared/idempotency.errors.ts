/** The refusals of a request's Idempotency-Key (`idempotency.*`, docs/API.md "Idempotency"). */
import { Problem } from './problem';

export const IDEMPOTENCY_HEADER = 'Idempotency-Key';

export const idempotencyErrors = {
  invalidKey: () =>
    Problem.invalid([
      {
        field: IDEMPOTENCY_HEADER,
        code: 'idempotency.invalid_key',
        en: 'must be 8 to 200 printable ASCII characters',
        zh: '须为 8 至 200 个可打印 ASCII 字符',
      },
    ]),

  keyReused: () =>
    new Problem(
      422,
      'Idempotency-Key reused',
      { en: 'This Idempotency-Key was used for a different request.', zh: '此 Idempotency-Key 已用于另一个请求。' },
      [
        {
          field: IDEMPOTENCY_HEADER,
          code: 'idempotency.key_reused',
          en: 'was used for a different request',
          zh: '已用于另一个请求',
        },
      ],
    ),

  inFlight: () =>
    new Problem(
      409,
      'Request in progress',
      {
        en: 'A request with this Idempotency-Key is still running; send it again shortly for its answer.',
        zh: '使用此 Idempotency-Key 的请求仍在处理中；请稍后再次发送以取得其结果。',
      },
      [
        {
          field: IDEMPOTENCY_HEADER,
          code: 'idempotency.in_flight',
          en: 'a request with this key is still running',
          zh: '使用此键的请求仍在处理中',
        },
      ],
    ),

  outcomeUnknown: () =>
    new Problem(
      409,
      'Outcome unknown',
      {
        en: 'The first request with this Idempotency-Key failed on our side and may or may not have taken effect; look before sending it again with a new key.',
        zh: '使用此 Idempotency-Key 的首个请求因系统原因失败，可能已生效也可能未生效；请先查询，再以新的键重新发送。',
      },
      [
        {
          field: IDEMPOTENCY_HEADER,
          code: 'idempotency.outcome_unknown',
          en: 'the first request with this key failed and may or may not have taken effect',
          zh: '使用此键的首个请求失败，可能已生效也可能未生效',
        },
      ],
    ),

  /** A bulk request sent with a key must fit one transaction. */
  tooManyLines: (chunk: number) =>
    Problem.invalid([
      {
        field: 'items',
        code: 'idempotency.too_many_lines',
        en: `at most ${chunk} lines with an Idempotency-Key`,
        zh: `带 Idempotency-Key 时最多 ${chunk} 行`,
      },
    ]),
};
