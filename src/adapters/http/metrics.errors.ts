/** The refusals of GET /metrics (`metrics.*`, docs/API.md "Error codes"). */
import { Problem } from '../../modules/shared/problem';

export const metricsErrors = {
  off: () =>
    new Problem(
      404,
      'Not found',
      {
        en: 'Metrics are off: set BACKSTOP_METRICS_TOKEN to serve them.',
        zh: '未开启监控指标：请设置 BACKSTOP_METRICS_TOKEN。',
      },
      [{ field: '(path)', code: 'metrics.off', en: 'is off', zh: '未开启' }],
    ),

  tokenInvalid: () =>
    new Problem(
      401,
      'Not signed in',
      {
        en: 'Send the metrics token (BACKSTOP_METRICS_TOKEN) as `Authorization: Bearer …`.',
        zh: '请以 `Authorization: Bearer …` 发送监控指标令牌（BACKSTOP_METRICS_TOKEN）。',
      },
      [{ field: 'Authorization', code: 'metrics.token_invalid', en: 'is missing or wrong', zh: '缺失或不正确' }],
      { 'www-authenticate': 'Bearer realm="metrics"' },
    ),
};
