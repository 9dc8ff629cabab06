/**
 * The Chinese of the messages written in English only: zod's own and the checks of the API's
 * schemas, and what lower layers say in English (core/risk, core/policy's "no policy in force",
 * the holiday calendar's missing year, a file that cannot be read). A field error carries it as
 * `zh` beside `en` (shared/request.errors.ts `withZh`). The refusals of a feature are written in
 * both languages where they are made (`<feature>.errors.ts`) and do not come here. Matched by
 * pattern, first match wins; a message without one has no Chinese (the English is shown).
 */
import { CLAIM_STATE_ZH } from '../../core/claims/claim-state';
import { STATUS_ZH } from '../../core/loans/loan-life';

type Zh = string | ((m: RegExpExecArray) => string);

const ZH: [RegExp, Zh][] = [
  // Presence and shape
  [/^is required$/, '必填'],
  [/expected \w+, received undefined/, '必填'],
  [/^Too small: expected string to have >=1 characters$/, '必填'],
  [/^Too small: expected string to have >=(\d+) characters$/, (m) => `至少 ${m[1]} 个字符`],
  [/^Too big: expected string to have <=(\d+) characters$/, (m) => `不能超过 ${m[1]} 个字符`],
  [/^Too small: expected array to have >=(\d+) items?$/, (m) => `至少 ${m[1]} 项`],
  [/^Too big: expected array to have <=(\d+) items?$/, (m) => `最多 ${m[1]} 项`],
  [
    /^Too (small|big): expected number to be ([<>]=?)(-?[\d.]+)$/,
    (m) =>
      `须${({ '<': '小于', '<=': '不大于', '>': '大于', '>=': '不小于' } as Record<string, string>)[m[2]!]} ${m[3]}`,
  ],
  [
    /^Invalid input: expected (\w+), received (\w+)$/,
    (m) => `类型错误：应为 ${typeName(m[1]!)}，收到 ${typeName(m[2]!)}`,
  ],
  [/^Unrecognized keys?: (.+)$/, (m) => `不认识的字段：${m[1]}`],
  [/^Invalid option: expected one of "direct"\|"risk-sharing"$/, '须为 direct（直接补偿）或 risk-sharing（风险分担）'],
  [/^Invalid option: expected one of (.+)$/, (m) => `须为以下之一：${m[1]!.replaceAll('"', '').replaceAll('|', '、')}`],
  [/^Invalid option/, '不是允许的取值'],
  [/^must be valid JSON$/, '须为合法的 JSON'],
  [/^is unavailable; send the request again after Retry-After seconds$/, '暂不可用，请在 Retry-After 秒后重新发送请求'],
  [/^names nothing to change: send at least one of (.+)$/, (m) => `没有要修改的内容：请至少提供 ${m[1]} 之一`],
  [/^must be true or false$/, '须为 true 或 false'],
  [/^must be an email address$/, '须为电子邮箱地址'],
  [/^must be a string such as "(.+)"$/, (m) => `须为文本，例如 "${m[1]}"`],
  [/^must not be empty$/, '不能为空'],
  [/^must be at least (-?[\d.]+)$/, (m) => `不能小于 ${m[1]}`],
  [/^must be at most (-?[\d.^]+)$/, (m) => `不能大于 ${m[1]}`],
  [/^must be below (-?[\d.]+)$/, (m) => `须小于 ${m[1]}`],
  [/^must be above (-?[\d.]+)$/, (m) => `须大于 ${m[1]}`],
  [/^must be an amount of at least ([\d.]+)$/, (m) => `金额不能小于 ${m[1]}`],
  [/^must say why/, '须说明理由（至少 2 个字）'],
  [/^must say what is missing/, '须写明缺少什么（至少 2 个字）'],
  [/^must say what was found/, '须写明认定的事实（至少 2 个字）'],
  [/^must be 2–63 lowercase letters, digits(.*)$/, '须为 2–63 个小写字母、数字或连字符等'],
  [/^must be a short kebab-case id such as "(.+)"$/, (m) => `须为简短的小写连字符标识，例如 "${m[1]}"`],
  [/^must be a date written YYYY-MM-DD$/, '须为 YYYY-MM-DD 格式的日期'],
  [/^must be a decimal string(?: such as "(.+)")?$/, (m) => `须为小数形式的文本${m[1] ? `，例如 "${m[1]}"` : ''}`],
  [/^must be a decimal such as "10" or "2.5"/, '须为倍数，例如 "10" 或 "2.5"（最多四位小数）'],
  [/^is only for a bank officer$/, '仅适用于银行用户'],
  [/^is only for a guarantor officer$/, '仅适用于担保机构用户'],
  [/^must be application\/json$/, '须为 application/json'],
  [/^is not supported: send the body uncompressed$/, '不支持：请发送未压缩的请求体'],
  [/^must be a non-empty list$/, '须为非空列表'],
  [/^must not contain control characters/, '不能含控制字符（U+0000–U+001F，制表符和换行除外，及 U+007F）'],
  [/^is not valid Unicode text/, '不是有效的 Unicode 文本（孤立代理项）'],
  [/^\(the name\) (.+)$/, (m) => `（字段名）${zhOf(m[1]!) ?? m[1]}`],
  [/^is not a cursor this API gave out/, '不是本接口给出的分页游标'],
  [/^is longer than (\d+) bytes$/, (m) => `超过 ${m[1]} 字节`],
  [/^is larger than (\d+) bytes$/, (m) => `超过 ${m[1]} 字节`],
  // Money, rates, dates
  [/^has more than two decimals/, '金额最多两位小数（最小单位 0.01 元）'],
  [/^must be a decimal string of yuan/, '须为以元为单位、最多两位小数的金额，例如 1000000.00'],
  [/^must be from (\d{4}-\d\d-\d\d) to (\d{4}-\d\d-\d\d)$/, (m) => `须在 ${m[1]} 至 ${m[2]} 之间`],
  [
    /^must be within (\d+) years of (.+) \((.+)\): by (.+)$/,
    (m) => `须在 ${m[2]}（${m[3]}）之后 ${m[1]} 年之内，即不晚于 ${m[4]}`,
  ],
  [/^must not be negative$/, '不能为负数'],
  [/^must be more than 0$/, '必须大于 0'],
  [/^must be at most ([\d.,]+) yuan$/, (m) => `不能超过 ${m[1]} 元`],
  [/^must be more than the current ([\d.,]+)$/, (m) => `须大于当前的 ${m[1]} 元`],
  [/^must be a decimal fraction with at most four decimals/, '须为最多四位小数的比例，例如 0.2 或 20%'],
  [/^at most four decimals \(basis points\)$/, '最多四位小数（基点）'],
  [/^must not exceed 1$/, '不能超过 1（100%）'],
  [/^must be a real date written YYYY-MM-DD$/, '须为真实存在的日期，格式 YYYY-MM-DD'],
  [/^must be after loan\.disbursedOn$/, '须晚于放款日期'],
  [/^must not be before loan\.disbursedOn$/, '不能早于放款日期'],
  [/^must not be before the loan was disbursed$/, '不能早于放款日期'],
  [/^must not be before the claim was submitted$/, '不能早于补偿申请提交日'],
  [/^must not be before signedOn$/, '不能早于签署日'],
  [/^must not be before the fund’s start \((.+)\)$/, (m) => `不能早于补偿资金的起始日（${m[1]}）`],
  [/^must not be before validFrom$/, '不能早于生效日'],
  [/^must not be after on$/, '不能晚于发生日'],
  [/^must not be more than a year after the filing date \((.+)\)$/, (m) => `不能晚于备案日（${m[1]}）一年以上`],
  [/^cannot disable your own account$/, '不能停用自己的账号'],
  [/^is not your current password$/, '不是当前密码'],
  [/^must differ from the current password$/, '不能与当前密码相同'],
  [/^must not be after today \((.+)\)$/, (m) => `不能晚于今天（${m[1]}）`],
  [/^must be after disbursedOn \((.+)\)$/, (m) => `须晚于放款日期（${m[1]}）`],
  [/^must be before maturesOn \((.+)\)$/, (m) => `须早于到期日（${m[1]}）`],
  [/^must not exceed loan\.principal$/, '不能超过贷款本金'],
  [/^exceeds the outstanding principal$/, '超过本金余额'],
  [
    /^must not exceed the current outstanding ([\d.,]+)/,
    (m) => `不能超过当前本金余额 ${m[1]} 元（余额只减不增；如需更正请修改备案）`,
  ],
  [
    /^recoveries would exceed the compensated principal ([\d.,]+) \(already ([\d.,]+)\)$/,
    (m) => `追偿金额将超过已补偿的本金 ${m[1]} 元（已追偿 ${m[2]} 元）`,
  ],
  [/^the loan is not non-performing/, '贷款尚未认定为不良：请先报送次级类或更差的五级分类，或报送逾期超过 90 天'],
  [/^the loan is (\S+)$/, (m) => `贷款状态为${stateZh(m[1]!)}`],
  [/^exceeds the fund’s free capacity$/, '超过补偿资金的可用额度'],
  // Registry and the unified social credit code (GB 32100-2015)
  [/^must be 18 characters$/, '须为 18 位'],
  [/^has a character not allowed/, '含有统一社会信用代码不允许的字符（GB 32100-2015）'],
  [/^has a wrong check character$/, '校验码错误（GB 32100-2015）'],
  [/^no registered enterprise has it/, '没有该统一社会信用代码的已登记企业，请先登记企业'],
  [/^is not the credit code of the enterprise enterpriseId names$/, '与 enterpriseId 所指企业的统一社会信用代码不符'],
  [/^give enterpriseId or creditCode$/, '请提供 enterpriseId 或统一社会信用代码'],
  [/^repeats enterprises\[(\d+)\]\.creditCode$/, (m) => `与第 ${Number(m[1]) + 1} 家企业的统一社会信用代码重复`],
  [/^is registered already$/, '已登记'],
  [/^is taken$/, '已被占用'],
  [/^(.+) is not a registered guarantor$/, (m) => `${m[1]} 不是已登记的担保机构`],
  [/^is not a registered guarantor: (.+)$/, (m) => `不是已登记的担保机构：${m[1]}`],
  [/^is not a registered bank: (.+)$/, (m) => `不是已登记的银行：${m[1]}`],
  [/^is not a registered institution: (.+)$/, (m) => `不是已登记的机构：${m[1]}`],
  [/^is not a programme: (.+)$/, (m) => `不是已有的政策项目：${m[1]}`],
  [/^lists (.+) a second time$/, (m) => `重复列出 ${m[1]}`],
  [/^has an agreement already$/, '已有合作协议'],
  [/^only a bank’s agreement has a quota$/, '只有银行的合作协议可设额度'],
  [/^this agreement has no quota/, '该合作协议未设额度，其备案占用补偿资金的总额度'],
  [/^is required for a bank officer$/, '银行用户必填'],
  [/^is required for a guarantor officer$/, '担保机构用户必填'],
  [/^must be at least (\d+) characters$/, (m) => `至少 ${m[1]} 个字符`],
  [/^must be 8 to 200 printable ASCII characters$/, '须为 8 至 200 个可打印 ASCII 字符'],
  [/^the username or password is wrong$/, '用户名或密码错误'],
  // Filings, servicing, claims
  [/^is required in risk-sharing mode$/, '风险分担模式下必填'],
  [/^is only for risk-sharing mode$/, '仅适用于风险分担模式'],
  [/^the parties’ shares and loan\.bankShare must add up to 1$/, '各方分担比例与银行分担比例之和须为 1'],
  [/^is filed already$/, '该银行已备案此贷款（重复）'],
  [/^appears again in this file \(first on line (\d+)\)$/, (m) => `本文件中重复出现（首次在第 ${m[1]} 行）`],
  [/^no programme .* in force/i, '备案日没有有效的政策'],
  [
    /^the holiday calendar has no data for (\d{4})/,
    (m) => `节假日日历尚无 ${m[1]} 年的数据，暂无法判断（G6）；请托管机构按国务院办公厅放假安排通知录入该年`,
  ],
  // The holiday calendar a manager enters (modules/calendar, core/calendar holidayYearIssues)
  [/^must be a year such as 2027$/, '须为年份，例如 2027'],
  [/^must be from 2000 to 2100$/, '须在 2000 至 2100 之间'],
  [
    /^must be (\d{4}), the year after the calendar's last \((.+)\), or a year it holds$/,
    (m) => `须为 ${m[1]} 年（日历现有 ${m[2]} 年的下一年），或日历已有的年份`,
  ],
  [/^must not be before from \((.+)\)$/, (m) => `不能早于开始日期（${m[1]}）`],
  [
    /^must be in (\d{4}) or the weeks around it \((.+) to (.+)\)$/,
    (m) => `须在 ${m[1]} 年内或其前后几周（${m[2]} 至 ${m[3]}）`,
  ],
  [/^overlaps holidays\[(\d+)\] \((.+)\)$/, (m) => `与第 ${Number(m[1]) + 1} 个假期（${m[2]}）重叠`],
  [
    /^(.+) is a weekday: a make-up working day is a Saturday or Sunday that is worked$/,
    (m) => `${m[1]} 是工作日：调休上班日须为周六或周日`,
  ],
  [/^(.+) is inside the holiday (.+)$/, (m) => `${m[1]} 在假期“${m[2]}”之内`],
  [/^(.+) is listed twice$/, (m) => `${m[1]} 重复列出`],
  [/^a bank files for itself only$/, '银行只能为本行备案'],
  [/^a bank imports for itself only$/, '银行只能为本行导入'],
  [/^is required when a manager files for a bank$/, '管理人代银行备案时必填'],
  [/^is required when a manager imports for a bank$/, '管理人代银行导入时必填'],
  [/^the loan has repayments$/, '该贷款已有还款记录'],
  [/^has claim (.+)$/, (m) => `已有补偿申请 ${m[1]}`],
  [/^the claim is (.+)$/, (m) => `补偿申请状态为${stateZh(m[1]!)}`],
  [
    /^is (active|withdrawn|non-performing|compensated|repaid|submitted|under-review|approved|queued|held|paid|rejected)$/,
    (m) => `当前状态为${stateZh(m[1]!)}`,
  ],
  [/^was used for a different request$/, '已用于另一个请求'],
  [/^a request with this key is still running$/, '使用此键的请求仍在处理中'],
  [
    /^the first request with this key failed and may or may not have taken effect$/,
    '使用此键的首个请求失败，可能已生效也可能未生效',
  ],
  [/^at most (\d+) lines with an Idempotency-Key$/, (m) => `带 Idempotency-Key 时最多 ${m[1]} 行`],
  [/^this account keeps no balance history/, '该账户不保留余额历史（未设历史标志）；其转账见 /api/ledger/transfers'],
  [/^must be a loan kind such as "(.+)"$/, (m) => `须为贷款种类，例如 "${m[1]}"`],
  // Simulations
  [
    /^has only ([\d.]+) loan-years of history \((\d+) needed\) and no PD set by the manager$/,
    (m) => `仅有 ${m[1]} 个贷款年的历史（需 ${m[2]} 个），且管理人未设违约概率（PD）`,
  ],
  [/^the simulation was interrupted/, '模拟被中断（服务已停止），请重新开始'],
  [/^the simulation failed; it has been logged$/, '模拟失败，已记录日志'],
  [/^must be a correlation at least 0 and below 1$/, '相关系数须不小于 0 且小于 1'],
  [/^name at least one variant$/, '至少列出一个方案'],
  [/^at most (\d+) variants$/, (m) => `最多 ${m[1]} 个方案`],
  [
    /^names no stress: give pdMultiplier, rho or sectorShock$/,
    '未给出任何压力：请给出 pdMultiplier（违约率倍数）、rho（相关系数）或 sectorShock（行业冲击）',
  ],
  [
    /^the portfolio has no loans in sector (.+) \(sectors: (.*)\)$/,
    (m) => `组合中没有行业 ${m[1]} 的贷款（现有行业：${m[2]}）`,
  ],
  [/^must be a multiplier above 0 and at most (\d+)$/, (m) => `须为大于 0 且不超过 ${m[1]} 的倍数`],
  [/^must be above (\d+) and at most (\d+)$/, (m) => `须大于 ${m[1]} 且不超过 ${m[2]}`],
  [/^must be above the run's correlation ([\d.]+) and below 1$/, (m) => `须大于本次模拟的相关系数 ${m[1]} 且小于 1`],
  [/^must be above 0 and at most half the range searched$/, '须大于 0 且不超过搜索范围的一半'],
  [/^is too fine for the range searched$/, '相对搜索范围过细'],
  [/^must be a probability above 0 and below 1$/, '须为大于 0 且小于 1 的概率'],
  [/^must be a probability at least 0 and below 1$/, '须为不小于 0 且小于 1 的概率'],
  [/^must be a whole number of years from 1 to the run's (\d+)$/, (m) => `须为 1 至本次模拟年数 ${m[1]} 之间的整数年`],
  [/^must be at most the run's years \((\d+)\)$/, (m) => `不能超过本次模拟的年数（${m[1]}）`],
  [
    /^needs a fund plan \(fund\.cash\) to tell when the fund is exhausted$/,
    '需要资金计划（fund.cash）才能判断资金何时耗尽',
  ],
  [/^must be "gaussian" or "t"$/, '须为 "gaussian"（高斯 copula）或 "t"（t copula）'],
  [/^must be a number from ([\d.]+) to ([\d.]+)$/, (m) => `须为 ${m[1]} 至 ${m[2]} 之间的数`],
  [/^is needed for the t copula$/, 't copula 须给出自由度 ν'],
  [
    /^needs PDs from history \(pd "history"\): the uncertainty is that of the estimate$/,
    '需要按历史估计违约概率（pd 为 "history"）：不确定性来自该估计',
  ],
  [/^name at least one stress scenario$/, '至少列出一个压力情景'],
  [/^at most (\d+) stress scenarios$/, (m) => `最多 ${m[1]} 个压力情景`],
  [/^must be "pd" \(a PD multiplier\) or "correlation"$/, '须为 "pd"（违约率倍数）或 "correlation"（相关系数）'],
  // The fund's rules in a multi-year run
  [/^must be a number above -1 and below 1$/, '须为大于 -1 且小于 1 的数'],
  [/^must be "history" or a share of the book from 0 to 10$/, '须为 "history"（按历史）或占现有贷款的比例（0 到 10）'],
  [/^must be a multiplier from 0 to 100$/, '须为 0 到 100 之间的倍数'],
  [/^give at least one multiplier$/, '至少给出一个倍数'],
  [/^at most (\d+) multipliers$/, (m) => `最多 ${m[1]} 个倍数`],
  // Uploads
  [/^send multipart\/form-data$/, '请以 multipart/form-data 上传'],
  [/^send one file per import$/, '每次导入一个文件'],
  [/^is required: a multipart field named `file`$/, '必填：名为 file 的文件字段'],
  [/^the multipart body ended early/, '上传内容不完整（上传被中断）'],
  [/^the multipart headers are malformed$/, '上传的分段头格式错误'],
  [
    /^is not a readable (CSV|XLSX) file: line (\d+) is longer than (\d+) characters, the most a row may have$/,
    (m) => `不是可读取的 ${m[1]} 文件：第 ${m[2]} 行超过 ${m[3]} 个字符（每行最多 ${m[3]} 个字符）`,
  ],
  [
    /^is not a readable XLSX file: (it unpacks to more than|an entry unpacks to more than|it has \d+ entries|it is a ZIP64)/,
    '不是可读取的 XLSX 文件：解压后过大或条目过多（疑似 ZIP 炸弹）',
  ],
];

/** Loans' and claims' states in Chinese (a loan's `withdrawn` wins: 已撤销). */
const STATES_ZH: Record<string, string> = { ...CLAIM_STATE_ZH, ...STATUS_ZH };
const stateZh = (s: string) => `“${STATES_ZH[s] ?? s}”`;

const TYPE_NAMES: Record<string, string> = {
  string: '文本',
  number: '数字',
  boolean: '布尔值',
  object: '对象',
  array: '列表',
  null: 'null',
  undefined: '无',
};
const typeName = (t: string) => TYPE_NAMES[t] ?? t;

/** The Chinese of an API message, or undefined when there is none. */
export function zhOf(en: string): string | undefined {
  for (const [re, zh] of ZH) {
    const m = re.exec(en);
    if (m) return typeof zh === 'string' ? zh : zh(m);
  }
  return undefined;
}
