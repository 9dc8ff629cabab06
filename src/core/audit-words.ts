/**
 * The audit log in words (issue 18): every action the code writes to the log, and every kind of
 * record it names, in Chinese and English. src/modules/audit/audit.words.test.ts reads the source
 * for every action written and fails on one missing here.
 */
export type Lang = 'zh' | 'en';
type Words = { zh: string; en: string };

export const AUDIT_ACTIONS: Record<string, Words> = {
  // Funds and agreements
  'fund.create': { zh: '设立补偿资金', en: 'fund set up' },
  'fund.top-up': { zh: '补偿资金注资', en: 'fund topped up' },
  'agreement.sign': { zh: '签订合作协议', en: 'agreement signed' },
  'agreement.quota': { zh: '调整合作协议额度', en: 'agreement quota changed' },
  // People and tokens
  'user.create': { zh: '新增用户', en: 'user added' },
  'user.disable': { zh: '停用用户', en: 'user disabled' },
  'user.enable': { zh: '启用用户', en: 'user enabled' },
  'user.notifications': { zh: '修改通知设置', en: 'notification settings changed' },
  'user.set-password': { zh: '重设密码', en: 'password set by a manager' },
  'user.change-password': { zh: '修改本人密码', en: 'own password changed' },
  'token.create': { zh: '创建 API 令牌', en: 'API token created' },
  'token.revoke': { zh: '吊销 API 令牌', en: 'API token revoked' },
  // Registry
  'enterprise.register': { zh: '登记企业', en: 'enterprise registered' },
  'enterprise.update': { zh: '修改企业信息', en: 'enterprise updated' },
  'enterprise.qualification': { zh: '登记企业资质', en: 'qualification recorded' },
  'institution.register': { zh: '登记合作机构', en: 'institution registered' },
  // Loans
  'filing.create': { zh: '贷款备案', en: 'loan filed' },
  'filing.create-chunk': { zh: '批量备案（一批贷款）', en: 'loans filed in bulk (one chunk)' },
  'filing.amend': { zh: '修改备案', en: 'filing amended' },
  'filing.withdraw': { zh: '撤销备案', en: 'filing withdrawn' },
  'filing.guarantor-confirm': { zh: '担保机构确认分险', en: 'guarantor confirmed its share' },
  'filing.repayment': { zh: '报送还款', en: 'repayment reported' },
  'filing.balance': { zh: '报送贷款余额', en: 'balance reported' },
  'filing.classification': { zh: '报送五级分类', en: 'classification reported' },
  'filing.non-performing': { zh: '转为不良贷款', en: 'loan turned non-performing' },
  'filing.write-off-request': { zh: '申请核销', en: 'write-off requested' },
  'filing.write-off-reject': { zh: '驳回核销申请', en: 'write-off request rejected' },
  'filing.write-off': { zh: '核销', en: 'loan written off' },
  // Claims (claim.<event>: core/claims/claim-state's events, and the others written by the claims module)
  'claim.submit': { zh: '提交补偿申请', en: 'claim submitted' },
  'claim.prepare': { zh: '初审（经办）', en: 'claim prepared' },
  'claim.sign-off': { zh: '审批环节签署', en: 'stage signed off' },
  'claim.return': { zh: '退回补正', en: 'claim returned for more' },
  'claim.resubmit': { zh: '补正后重新提交', en: 'claim resubmitted' },
  'claim.hold': { zh: '熔断暂停', en: 'claim held (breaker)' },
  'claim.release': { zh: '熔断解除，恢复审核', en: 'claim released' },
  'claim.release-unprepared': { zh: '熔断解除，退回待初审', en: 'claim released, not yet prepared' },
  'claim.approve': { zh: '批准补偿', en: 'claim approved' },
  'claim.reject': { zh: '驳回补偿申请', en: 'claim rejected' },
  'claim.queue': { zh: '进入拨付队列', en: 'claim queued for payment' },
  'claim.pay': { zh: '拨付补偿', en: 'compensation paid' },
  'claim.withdraw': { zh: '撤回补偿申请', en: 'claim withdrawn' },
  'claim.recompute': { zh: '重新计算补偿', en: 'compensation recomputed' },
  'claim.finding': { zh: '记录尽职审查问题', en: 'due-diligence finding recorded' },
  'claim.finding-withdrawn': { zh: '撤销尽职审查问题', en: 'due-diligence finding withdrawn' },
  // A claim's dossier
  'material.view': { zh: '查阅申请材料', en: 'dossier viewed' },
  'material.upload': { zh: '上传申请材料', en: 'material uploaded' },
  'material.download': { zh: '下载申请材料', en: 'material downloaded' },
  'material.review': { zh: '审核申请材料', en: 'material reviewed' },
  // Recoveries
  'recovery.report': { zh: '报告追偿收回', en: 'recovery reported' },
  'recovery.progress': { zh: '报告追偿进展', en: 'recovery progress reported' },
  // Documents issued
  'document.filing-confirmation': { zh: '出具备案确认书', en: 'filing confirmation issued' },
  'document.approval-form': { zh: '出具补偿审批表', en: 'approval form issued' },
  'document.payment-notice': { zh: '出具拨付通知', en: 'payment notice issued' },
  // Webhooks
  'webhook.create': { zh: '新增回调地址', en: 'webhook added' },
  'webhook.update': { zh: '修改回调地址', en: 'webhook changed' },
  'webhook.rotate-secret': { zh: '更换回调密钥', en: 'webhook secret rotated' },
  'webhook.delete': { zh: '删除回调地址', en: 'webhook deleted' },
  'webhook.replay': { zh: '重发回调', en: 'webhook delivery replayed' },
  // Calendar and ledger
  'holiday-year.enter': { zh: '录入全年节假日', en: 'holiday year entered' },
  'holiday-year.correct': { zh: '更正全年节假日', en: 'holiday year corrected' },
  'ledger.batch': { zh: '记账', en: 'ledger entries posted' },
};

/** The kinds of record the log names (its entity_kind). */
export const AUDIT_ENTITY_KINDS: Record<string, Words> = {
  fund: { zh: '补偿资金', en: 'fund' },
  agreement: { zh: '合作协议', en: 'agreement' },
  user: { zh: '用户', en: 'user' },
  'api-token': { zh: 'API 令牌', en: 'API token' },
  enterprise: { zh: '企业', en: 'enterprise' },
  institution: { zh: '合作机构', en: 'institution' },
  filing: { zh: '贷款', en: 'loan' },
  import: { zh: '批量导入', en: 'bulk import' },
  claim: { zh: '补偿申请', en: 'claim' },
  recovery: { zh: '追偿', en: 'recovery' },
  webhook: { zh: '回调地址', en: 'webhook' },
  'webhook-delivery': { zh: '回调投递', en: 'webhook delivery' },
  'holiday-year': { zh: '节假日年度', en: 'holiday year' },
  ledger: { zh: '账本', en: 'ledger' },
};

/** The action in words; one not in the dictionary shows as written. */
export function auditActionLabel(action: string, lang: Lang): string {
  return AUDIT_ACTIONS[action]?.[lang] ?? action;
}

export function auditEntityKindLabel(kind: string, lang: Lang): string {
  return AUDIT_ENTITY_KINDS[kind]?.[lang] ?? kind;
}
