/** The refusals of the printed documents (`document.*`, docs/API.md "Error codes"). */
import { Problem } from '../shared/problem';

export const documentErrors = {
  /** A payment notice before the claim is paid; `stateZh` is the claim's state in Chinese. */
  claimNotPaid: (state: string, stateZh: string) =>
    new Problem(
      409,
      'Not paid',
      {
        en: `The claim is ${state}: a payment notice is issued once the claim is paid.`,
        zh: `补偿申请${stateZh}：拨付后方可出具拨付通知。`,
      },
      [
        {
          field: 'state',
          code: 'document.claim_not_paid',
          en: `is ${state}, not paid`,
          zh: `补偿申请${stateZh}，尚未拨付`,
        },
      ],
    ),

  /** The server has no Chinese font to print with. */
  fontMissing: (reason: string) =>
    new Problem(
      503,
      'Documents unavailable',
      {
        en: `The printed documents need a Chinese font: ${reason}.`,
        zh: `打印文书需要中文字体（Debian 软件包 fonts-wqy-microhei）：${reason}。`,
      },
      [{ field: 'font', code: 'document.font_missing', en: reason, zh: '服务器缺少中文字体' }],
    ),
};
