/**
 * The error report speaks Chinese and English. The API's messages are English; these are their
 * Chinese, matched by pattern (a message without one keeps its English in both columns).
 */
const ZH: [RegExp, string | ((m: RegExpExecArray) => string)][] = [
  [/^is required$/, '必填'],
  [/expected string, received undefined/, '必填'],
  [/^has more than two decimals/, '金额最多两位小数（最小单位 0.01 元）'],
  [/^must be a decimal string of yuan/, '须为以元为单位、最多两位小数的金额，例如 1000000.00'],
  [/^must not be negative$/, '不能为负数'],
  [/^must be more than 0$/, '必须大于 0'],
  [/^must be a real date written YYYY-MM-DD$/, '须为真实存在的日期，格式 YYYY-MM-DD'],
  [/^must be after loan\.disbursedOn$/, '须晚于放款日期'],
  [/^must be 18 characters$/, '须为 18 位'],
  [/^has a character not allowed/, '含有统一社会信用代码不允许的字符（GB 32100-2015）'],
  [/^has a wrong check character$/, '校验码错误（GB 32100-2015）'],
  [/^is required in risk-sharing mode$/, '风险分担模式下必填'],
  [/^is only for risk-sharing mode$/, '仅适用于风险分担模式'],
  [/^must be a decimal fraction with at most four decimals/, '须为最多四位小数的比例，例如 0.2 或 20%'],
  [/^must not exceed 1$/, '不能超过 1（100%）'],
  [/^Invalid option: expected one of "direct"\|"risk-sharing"$/, '须为 direct（直接补偿）或 risk-sharing（风险分担）'],
  [/^Invalid option/, '不是允许的取值'],
  [/^Too big: expected string to have <=(\d+) characters$/, (m) => `不能超过 ${m[1]} 个字符`],
  [/^the parties’ shares and loan\.bankShare must add up to 1$/, '各方分担比例与银行分担比例之和须为 1'],
  [/^no registered enterprise has it/, '没有该统一社会信用代码的已登记企业，请先登记企业'],
  [/ is not a registered guarantor$/, '不是已登记的担保机构'],
  [/^is filed already$/, '该银行已备案此贷款（重复）'],
  [/^appears again in this file \(first on line (\d+)\)$/, (m) => `本文件中重复出现（首次在第 ${m[1]} 行）`],
  [/^no programme .* in force/i, '备案日没有有效的政策'],
];

export function zhOf(en: string): string {
  for (const [re, zh] of ZH) {
    const m = re.exec(en);
    if (m) return typeof zh === 'string' ? zh : zh(m);
  }
  return en;
}
