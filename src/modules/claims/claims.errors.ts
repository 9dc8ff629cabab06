/** The refusals of claims and the banks' circuit breakers (`claim.*`, `breaker.*`, docs/API.md "Error codes"). */
import { CLAIM_STATE_ZH, type ClaimState } from '../../core/claims/claim-state';
import type { Bilingual } from '../../core/text';
import { notFound, Problem } from '../shared/problem';

export const claimStateZh = (s: string) => `“${CLAIM_STATE_ZH[s as ClaimState] ?? s}”`;

const STATE_EN: Record<string, string> = {
  missing: 'not uploaded',
  uploaded: 'uploaded, not yet reviewed',
  rejected: 'rejected',
};
const STATE_ZH: Record<string, string> = { missing: '未上传', uploaded: '已上传，待审核', rejected: '已退回' };

export const claimErrors = {
  notFound: (id: string, field = 'id') =>
    notFound({ code: 'claim.not_found', what: { en: `Claim ${id}`, zh: `代偿申请 ${id}` }, field }),

  /** The claim's state does not take the event (core/claims/claim-state.ts). */
  wrongState: (event: string, state: string) =>
    new Problem(
      409,
      'Not allowed in this state',
      { en: `Cannot ${event} a claim that is ${state}.`, zh: `状态为${claimStateZh(state)}的代偿申请不能执行此操作。` },
      [{ field: 'state', code: 'claim.wrong_state', en: `is ${state}`, zh: `当前状态为${claimStateZh(state)}` }],
    ),

  notPayable: (state: string) =>
    new Problem(
      409,
      'Not payable',
      { en: `A ${state} claim cannot be paid.`, zh: `状态为${claimStateZh(state)}的代偿申请不能支付。` },
      [{ field: 'state', code: 'claim.not_payable', en: `is ${state}`, zh: `当前状态为${claimStateZh(state)}` }],
    ),

  /** R18, maker–checker: `claim.preparer_cannot_decide` or `claim.not_prepared` (core's deciderProblem). */
  preparerCannotDecide: (problem: Bilingual & { code: string }) =>
    new Problem(403, 'Maker–checker', { en: `${problem.en}.`, zh: problem.zh }, [
      { field: 'decider', code: problem.code, en: problem.en, zh: problem.zh },
    ]),

  /** R20: a required item of the dossier is missing, waiting for review, or rejected; each is named. */
  materialsIncomplete: (items: { id: string; title: Bilingual; state: string }[]) =>
    new Problem(
      422,
      'Dossier incomplete',
      {
        en: `The claim cannot be approved before every required material is accepted; not yet: ${items.map((i) => i.id).join(', ')}.`,
        zh: `必备申请材料全部审核通过后方可批准；尚未通过：${items.map((i) => i.title.zh).join('、')}。`,
      },
      items.map((i) => ({
        field: `materials.${i.id}`,
        code: 'claim.materials_incomplete',
        en: `${i.title.en}: ${STATE_EN[i.state] ?? i.state}`,
        zh: `${i.title.zh}：${STATE_ZH[i.state] ?? i.state}`,
      })),
    ),

  /** R21: a return names items that are not on the claim's checklist. */
  returnItemsUnknown: (unknown: { item: string; i: number }[], known: string[]) =>
    Problem.invalid(
      unknown.map(({ item, i }) => ({
        field: `items[${i}]`,
        code: 'claim.return_item_unknown',
        en: `"${item}" is not an item of this claim's checklist (${known.join(', ') || 'none'})`,
        zh: `“${item}”不是本项目申请材料清单中的一项（${known.join('、') || '无'}）`,
      })),
    ),

  /** R21: the bank resubmits before adding a file to each item the return named. */
  returnNotCompleted: (items: string[]) =>
    new Problem(
      422,
      'Return not completed',
      {
        en: `Upload a file for each item the claim was returned for before resubmitting; not yet: ${items.join(', ')}.`,
        zh: `请先为退回补正所列的每项材料上传文件，再重新提交；尚未补充：${items.join('、')}。`,
      },
      items.map((item) => ({
        field: `materials.${item}`,
        code: 'claim.return_not_completed',
        en: 'no file uploaded since the claim was returned',
        zh: '退回后尚未上传文件',
      })),
    ),

  /** R22: a finding the claim's programme does not list. */
  findingUnknown: (findingId: string, known: string[]) =>
    Problem.invalid([
      {
        field: 'findingId',
        code: 'claim.finding_unknown',
        en: `"${findingId}" is not a due-diligence finding of this claim's programme (${known.join(', ') || 'none'})`,
        zh: `“${findingId}”不是本项目尽职审查清单中的一项（${known.join('、') || '无'}）`,
      },
    ]),

  /** R22: taking back a finding that was not recorded. */
  findingNotRecorded: (findingId: string) =>
    new Problem(
      409,
      'Not recorded',
      { en: `The finding ${findingId} is not recorded on this claim.`, zh: `本申请未记录尽职审查结论“${findingId}”。` },
      [
        {
          field: 'findingId',
          code: 'claim.finding_not_recorded',
          en: 'is not recorded on this claim',
          zh: '本申请未记录此项',
        },
      ],
    ),

  /** R22 with R18: findings are the preliminary review's, recorded by the one who prepared the claim. */
  findingsNotPreparer: (preparedBy: string | null) =>
    new Problem(
      403,
      'Maker–checker',
      {
        en: `Only the one who prepared the claim (${preparedBy ?? 'nobody yet'}) records its due-diligence findings (R22, R18).`,
        zh: `尽职审查结论由初审人（${preparedBy ?? '尚无'}）记录（R22、R18）。`,
      },
      [
        {
          field: 'decider',
          code: 'claim.findings_not_preparer',
          en: 'only the preparer records findings',
          zh: '仅初审人可记录尽职审查结论',
        },
      ],
    ),

  bankNotFound: (bankId: string) =>
    notFound({ code: 'breaker.bank_not_found', what: { en: `Bank ${bankId}`, zh: `银行 ${bankId}` } }),
};
