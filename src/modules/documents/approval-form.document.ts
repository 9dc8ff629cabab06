/**
 * 补偿审批表 — the claim approval form (T/IP1F0028—2024 names it): the loan, the claim's figures
 * (outstanding principal, ratio, compensation; each party's share in the risk-sharing mode), the
 * review's reasons, each stage's decision with who took it and when, from the claim's history
 * (submitted, prepared, each stage the programme writes signed, approved or rejected, paid; R18, R23),
 * the due-diligence findings and their cut (R22), and the claim's materials as the reviewer ticked
 * them, each file with its SHA-256 (R20).
 */
import type { getClaim } from '../claims/claims.usecases';
import type { listFindings } from '../claims/findings.usecases';
import type { DossierView } from '../claim-materials/claim-materials.usecases';
import { beijingDate, renderPdf } from './documents.layout';
import { loanFields, type LoanContext } from './documents.loan';
import { amount, claimState, day, loanStatus, percent, yuan, zh } from './documents.words';
import { formatPercent } from '../../core/money/money';

export type ClaimDetail = Awaited<ReturnType<typeof getClaim>>;
export const APPROVAL_FORM = '补偿审批表';

/** Display names of the people in the claim's history, by username. */
export type People = ReadonlyMap<string, string>;

export const person = (people: People, username: string | null | undefined) => {
  if (!username) return '—';
  if (username === 'system') return '系统';
  const name = people.get(username);
  return name && name !== username ? `${name}（${username}）` : username;
};

const BEFORE = [
  { title: '银行提交申请', events: ['submit'], done: '已提交' },
  { title: '托管机构初审', events: ['prepare'], done: '初审通过，提请审批' },
] as const;
const PAYMENT = { title: '资金拨付', events: ['pay'], done: '已拨付' } as const;

const OTHER_EVENTS: Record<string, string> = {
  hold: '熔断暂停',
  release: '恢复办理',
  'release-unprepared': '恢复办理',
  queue: '资金不足，付款排队',
  withdraw: '银行撤回',
};

/** Each stage's decision, who took it and when, from the claim's history; then the other events. */
export function stageRows(claim: ClaimDetail, people: People): string[][] {
  const fromEvents = (stage: { title: string; events: readonly string[]; done: string }) => {
    const e = [...claim.events].reverse().find((ev) => stage.events.includes(ev.event));
    if (!e) return [stage.title, '未办理', '—', '—', ''];
    // The submission's business date is the claim's own (the day it counts from); the other stages' the day they were taken.
    const on = e.event === 'submit' ? claim.submittedOn : beijingDate(e.at);
    return [stage.title, stage.done, person(people, e.actor), on, e.note ?? ''];
  };
  const rejection = claim.state === 'rejected' ? claim.events.findLast((e) => e.event === 'reject') : undefined;
  let rejectionShown = false;
  // The programme's stages (R23): each signed one with its signer; a rejection at the first one not signed.
  const stages = claim.stages.map((stage, i) => {
    const signed = claim.signOffs.find((o) => o.stage === stage.id);
    const last = i === claim.stages.length - 1;
    if (signed)
      return [stage.title.zh, last ? '批准' : '审核通过', person(people, signed.by), beijingDate(signed.at), ''];
    if (last && claim.decidedBy && claim.state !== 'rejected' && claim.decidedAt)
      return [stage.title.zh, '批准', person(people, claim.decidedBy), beijingDate(claim.decidedAt), ''];
    if (rejection && !rejectionShown) {
      rejectionShown = true;
      const reason = claim.rejectionReason ?? rejection.note ?? '';
      return [stage.title.zh, '驳回', person(people, rejection.actor), beijingDate(rejection.at), reason];
    }
    return [stage.title.zh, '未办理', '—', '—', ''];
  });
  const rows: string[][] = [...BEFORE.map(fromEvents), ...stages, fromEvents(PAYMENT)];
  for (const e of claim.events)
    if (e.event in OTHER_EVENTS)
      rows.push([OTHER_EVENTS[e.event]!, claimState(e.to), person(people, e.actor), beijingDate(e.at), e.note ?? '']);
  return rows;
}

/** What the reviewer checked: the dossier as ticked (R20) and the due-diligence findings (R22). */
export interface ReviewRecord {
  dossier: DossierView;
  findings: Awaited<ReturnType<typeof listFindings>>;
}

const TICK: Record<string, string> = { accepted: '已通过', rejected: '已退回', uploaded: '待审核', missing: '未上传' };

export function approvalFormPdf(
  ctx: LoanContext,
  claim: ClaimDetail,
  people: People,
  generatedAt: Date,
  review: ReviewRecord,
): Promise<Buffer> {
  const f = ctx.filing;
  const prepared = claim.events.findLast((e) => e.event === 'prepare');
  return renderPdf(
    {
      fund: ctx.fund,
      title: `风险${APPROVAL_FORM}`,
      number: `申请编号：${claim.id}`,
      generatedAt,
      subject: `${ctx.bank.name} ${f.bankRef} ${ctx.enterprise.name}`,
    },
    (s) => {
      s.section('贷款信息');
      s.fields([
        ...loanFields(ctx),
        { label: '五级分类', value: zh(f.classification) },
        { label: '逾期起始日', value: day(f.overdueSince) },
        { label: '不良认定日', value: day(f.nonPerformingOn) },
        { label: '贷款状态', value: loanStatus(f.status) },
      ]);
      s.section('补偿金额');
      s.fields([
        { label: '不良贷款本金余额', value: amount(claim.outstanding), wide: true },
        { label: '补偿比例', value: percent(f.ratio) },
        { label: '申请日期', value: claim.submittedOn },
        { label: '补偿金额', value: amount(claim.compensation), wide: true },
        { label: '办理时限', value: `${claim.dueBy} 前（15 个工作日）` },
        ...(claim.cutBp > 0 ? [{ label: '尽职审查扣减', value: `${formatPercent(claim.cutBp)}（R22）` }] : []),
        { label: '当前状态', value: claimState(claim.state) },
      ]);
      if (claim.parties.length > 0) {
        s.paragraph('银担分险：各方按比例承担不良贷款本金余额，银行自担部分由补偿资金兜底（F14–F16）。', { size: 9 });
        s.table(
          [
            { title: '承担方', width: 40 },
            { title: '比例', width: 20, align: 'right' },
            { title: '金额', width: 40, align: 'right' },
          ],
          claim.parties.map((p) => [zh(p.party), formatPercent(p.shareBp), yuan(p.amount)]),
        );
      }
      s.section('审查意见');
      s.table(
        [
          { title: '规则编号', width: 22 },
          { title: '依据', width: 14, align: 'center' },
          { title: '说明', width: 64 },
        ],
        claim.reasons.map((r) => [r.rule, r.cites.join('、'), r.zh]),
      );
      const found = review.findings.items.filter((i) => i.found);
      if (found.length) {
        s.section('尽职审查');
        s.table(
          [
            { title: '未尽职情形', width: 40 },
            { title: '扣减比例', width: 14, align: 'right' },
            { title: '认定事实', width: 46 },
          ],
          found.map((i) => [i.title.zh, formatPercent(i.cutBp), `${i.found!.note}（${person(people, i.found!.by)}）`]),
        );
        s.paragraph(
          `各项扣减合计 ${formatPercent(review.findings.cutBp)}，扣减后补偿金额 ${amount(review.findings.compensation)}，扣减部分由合作银行承担（R22）。`,
          { size: 8, color: '#444444' },
        );
      }
      s.section('审批流程');
      s.table(
        [
          { title: '环节', width: 16 },
          { title: '结论', width: 22 },
          { title: '经办人', width: 29 },
          { title: '日期', width: 13, align: 'center' },
          { title: '意见', width: 20 },
        ],
        stageRows(claim, people),
      );
      s.paragraph('初审人与审批人不得为同一人；银行经办人不得审批本行申请（R18）。', { size: 8, color: '#444444' });
      s.section('申请材料');
      s.table(
        [
          { title: '序号', width: 8, align: 'center' },
          { title: '材料名称', width: 40 },
          { title: '文件', width: 30 },
          { title: '核对', width: 22, align: 'center' },
        ],
        review.dossier.items.map((item, i) => [
          String(i + 1),
          `${item.title.zh}${item.required ? '' : '（可选）'}`,
          item.files.map((f) => `${f.fileName} SHA-256 ${f.sha256.slice(0, 12)}…`).join('；') || '—',
          TICK[item.state] ?? item.state,
        ]),
        '本项目未规定申请材料',
      );
      s.signatures([
        {
          label: '初审意见：',
          lines: [`初审人：${person(people, claim.preparedBy)}`, `日期：${prepared ? beijingDate(prepared.at) : ''}`],
        },
        {
          label: '审批意见：',
          lines: [
            `审批人：${person(people, claim.decidedBy)}`,
            `日期：${claim.decidedAt ? beijingDate(claim.decidedAt) : ''}`,
          ],
        },
      ]);
    },
  );
}
