/**
 * The Chinese of the API's field messages. Use cases and schemas write each message once, in
 * English; problem responses carry this Chinese beside it (`messageZh`) and bulk files' error
 * reports a column of it. Matched by pattern, first match wins; a message without one has no
 * Chinese (the English is shown).
 */
import type { FieldError } from './problem';

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
  [/^names nothing to change: send at least one of (.+)$/, (m) => `没有要修改的内容：请至少提供 ${m[1]} 之一`],
  [/^must be true or false$/, '须为 true 或 false'],
  [/^must be a string such as "(.+)"$/, (m) => `须为文本，例如 "${m[1]}"`],
  [/^must not be empty$/, '不能为空'],
  [/^must be at least (-?[\d.]+)$/, (m) => `不能小于 ${m[1]}`],
  [/^must be at most (-?[\d.^]+)$/, (m) => `不能大于 ${m[1]}`],
  [/^must be below (-?[\d.]+)$/, (m) => `须小于 ${m[1]}`],
  [/^must say why/, '须说明理由（至少 2 个字）'],
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
  [/^fund (.+) does not run programme (.+)$/, (m) => `补偿资金 ${m[1]} 不执行政策项目 ${m[2]}`],
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
  [/^the simulation was interrupted/, '模拟被中断（服务已停止），请重新开始'],
  [/^the simulation failed; it has been logged$/, '模拟失败，已记录日志'],
  [/^must be a correlation at least 0 and below 1$/, '相关系数须不小于 0 且小于 1'],
  [/^name at least one variant$/, '至少列出一个方案'],
  [/^at most (\d+) variants$/, (m) => `最多 ${m[1]} 个方案`],
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

/** A loan's status or a claim's state in words (the web app's own words for them). */
const STATES_ZH: Record<string, string> = {
  active: '正常',
  repaid: '已结清',
  withdrawn: '已撤销',
  'non-performing': '不良',
  compensated: '已代偿',
  submitted: '已提交',
  'under-review': '审核中',
  held: '熔断暂停',
  approved: '已批准',
  queued: '待付款排队',
  paid: '已支付',
  rejected: '已驳回',
};
const stateZh = (s: string) => `“${STATES_ZH[s] ?? s}”`;

/** The Chinese of a problem's `detail` (the line above its field errors), or undefined. */
const DETAILS_ZH: [RegExp, Zh][] = [
  [/^The request has invalid fields\.$/, '请求中有字段不正确。'],
  [/^The body is not valid JSON\.$/, '请求体不是合法的 JSON。'],
  [/^Send the body as application\/json\.$/, '请以 application/json 发送请求体。'],
  [/^Send the body uncompressed: no Content-Encoding\.$/, '请发送未压缩的请求体（不带 Content-Encoding）。'],
  [/^Something went wrong on our side; it has been logged\.$/, '系统出错，已记录日志。'],
  [/^The database could not be reached; try again shortly\.$/, '暂时无法连接数据库，请稍后再试。'],
  [/^The request was cut off before its body arrived\.$/, '请求在请求体送达前被中断。'],
  [
    /^The (body|upload|file) must not exceed (\d+) bytes\.$/,
    (m) =>
      `${({ body: '请求体', upload: '上传内容', file: '文件' } as Record<string, string>)[m[1]!]}不能超过 ${m[2]} 字节。`,
  ],
  [/^Sign in, or send an API token/, '请先登录，或以 Authorization: Bearer … 发送 API 令牌。'],
  [/^The API token is unknown or revoked\.$/, 'API 令牌无效或已吊销。'],
  [
    /^Send the backstop_csrf cookie value in the X-CSRF-Token header\.$/,
    '请在 X-CSRF-Token 请求头中发送 backstop_csrf Cookie 的值。',
  ],
  [/^The username or password is wrong\.$/, '用户名或密码错误。'],
  [
    /^Too many failed sign-ins; try again in (\d+) (seconds|minutes)\.$/,
    (m) => `登录失败次数过多，请 ${m[1]} ${m[2] === 'seconds' ? '秒' : '分钟'}后再试。`,
  ],
  [/^The (\S+) role may not do this/, (m) => `${roleZh(m[1]!)}角色无权执行此操作。`],
  [
    /^(Agreement|API token|Bank|Claim|Enterprise|Filing|Fund|Import|Ledger account|Programme|User|The enterprise|The institution|The simulation|The holiday year) ?(.*) was not found\.$/,
    (m) => `未找到${ENTITIES_ZH[m[1]!]}${m[2] ? ` ${m[2]}` : ''}。`,
  ],
  [/^(.+) was not found\.$/, (m) => `未找到：${m[1]}。`],
  [/^the claim has not been prepared\.?$/, '该代偿申请尚未由管理人受理审核（制单），不能批准。'],
  [
    /^the person who prepared a claim cannot approve it \(maker–checker\)\.?$/,
    '受理审核（制单）该代偿申请的人不能批准它，须由另一人复核（双人复核）。',
  ],
  [/^This Idempotency-Key was used for a different/, '此 Idempotency-Key 已用于另一个请求。'],
  [
    /^A request with this Idempotency-Key is still running/,
    '使用此 Idempotency-Key 的请求仍在处理中；请稍后再次发送以取得其结果。',
  ],
  [
    /^The first request with this Idempotency-Key failed on our side/,
    '使用此 Idempotency-Key 的首个请求因系统原因失败，可能已生效也可能未生效；请先查询，再以新的键重新发送。',
  ],
  [/^(Fund|Institution) (.+) exists already\.$/, (m) => `${m[1] === 'Fund' ? '补偿资金' : '机构'} ${m[2]} 已存在。`],
  [/^You cannot disable your own account\.$/, '不能停用自己的账号。'],
  [/^The username (.+) is taken\.$/, (m) => `用户名 ${m[1]} 已被占用。`],
  [
    /^This institution has an agreement for this programme and fund already\.$/,
    '该机构已就此政策项目和补偿资金签有合作协议。',
  ],
  [/^The fund’s capacity cannot hold this quota/, '补偿资金的可用额度容纳不下该额度（R7b、R7c）。'],
  [/^Some enterprises are registered already; nothing was registered\.$/, '部分企业已登记；本次未登记任何企业。'],
  [/^Some enterprises have invalid fields; nothing was registered\.$/, '部分企业的字段不正确；本次未登记任何企业。'],
  [
    /^A credit code appears more than once; nothing was registered\.$/,
    '统一社会信用代码重复出现；本次未登记任何企业。',
  ],
  [/^An enterprise with this credit code is registered already\.$/, '该统一社会信用代码的企业已登记。'],
  [/^Loan (.+) of this bank is filed already\.$/, (m) => `本行贷款 ${m[1]} 已备案。`],
  [/^The loan cannot be filed; see the reasons\.$/, '该贷款不能备案，原因如下。'],
  [/^The change would cross a limit\.$/, '此变更将突破限额。'],
  [/^The amended loan would not be eligible\.$/, '修改后的贷款将不符合条件。'],
  [
    /^A (\S+) (loan|filing) (takes no balance reports|takes no classification|cannot be withdrawn|cannot be amended|cannot be confirmed)\.$/,
    (m) =>
      `${stateZh(m[1]!)}的贷款${({ 'takes no balance reports': '不能报送余额', 'takes no classification': '不能报送分类', 'cannot be withdrawn': '不能撤销', 'cannot be amended': '不能修改', 'cannot be confirmed': '不能确认' } as Record<string, string>)[m[3]!]}。`,
  ],
  [/^The principal of a loan with repayments cannot be amended/, '已有还款的贷款不能修改本金；请报送余额。'],
  [/^This loan has a claim already\.$/, '该贷款已有代偿申请。'],
  [/^Only a non-performing loan can be claimed for/, '只有不良贷款才能申请代偿（R6、G9）。'],
  [/^Recoveries are reported after the claim is paid/, '代偿支付后才能报送追偿（R8）。'],
  [/^Cannot (\w+) a claim that is (\S+)\.$/, (m) => `状态为${stateZh(m[2]!)}的代偿申请不能执行此操作。`],
  [/^A (\S+) claim cannot be paid\.$/, (m) => `状态为${stateZh(m[1]!)}的代偿申请不能支付。`],
  [/^Send the file as multipart\/form-data/, '请以 multipart/form-data 上传，字段名为 file。'],
  [/^The live book is not available here\.$/, '此处无法使用实时贷款组合。'],
];

const ENTITIES_ZH: Record<string, string> = {
  Agreement: '合作协议',
  Bank: '银行',
  Claim: '代偿申请',
  Enterprise: '企业',
  Filing: '备案',
  Fund: '补偿资金',
  Import: '导入任务',
  'Ledger account': '账户',
  Programme: '政策项目',
  User: '用户',
  'API token': 'API 令牌',
  'The enterprise': '企业',
  'The institution': '机构',
  'The simulation': '模拟任务',
  'The holiday year': '节假日年份',
};

const ROLES_ZH: Record<string, string> = {
  manager: '管理人',
  reviewer: '复核人',
  bank: '银行',
  guarantor: '担保机构',
  auditor: '审计',
};
const roleZh = (r: string) => `“${ROLES_ZH[r] ?? r}”`;

/** The Chinese of a problem's detail, or undefined when there is none. */
export function detailZhOf(detail: string): string | undefined {
  for (const [re, zh] of DETAILS_ZH) {
    const m = re.exec(detail);
    if (m) return typeof zh === 'string' ? zh : zh(m);
  }
  return undefined;
}

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

/**
 * A field error with its Chinese beside the English, where there is one (`messageZh`). Its message
 * may be a problem's detail standing in for a field error (a bulk line's "… was not found.").
 */
export function withChinese(e: FieldError): FieldError {
  const zh = e.messageZh ?? zhOf(e.message) ?? detailZhOf(e.message);
  return { ...e, ...(zh === undefined ? {} : { messageZh: zh }) };
}

/** The Chinese of an API message or detail, or the English when there is none (bulk files' error reports). */
export function inChinese(en: string): string {
  return zhOf(en) ?? detailZhOf(en) ?? en;
}

/** The Chinese of an API message, or undefined when there is none. */
export function zhOf(en: string): string | undefined {
  for (const [re, zh] of ZH) {
    const m = re.exec(en);
    if (m) return typeof zh === 'string' ? zh : zh(m);
  }
  return undefined;
}
