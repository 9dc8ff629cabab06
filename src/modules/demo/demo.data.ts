/**
 * The demo's institutions and the words its enterprises are named from: the banks with
 * sub-branches in Beijing E-Town (G8: 18 cooperating banks) and the guarantee side of
 * risk-sharing (F14–F16, G7). Weights are each bank's share of the filings.
 */
export interface DemoBank {
  id: string;
  name: string;
  nameEn: string;
  weight: number;
}

export const DEMO_BANKS: readonly DemoBank[] = [
  { id: 'bank-icbc', name: '中国工商银行北京经济技术开发区支行', nameEn: 'ICBC Beijing E-Town Sub-branch', weight: 12 },
  {
    id: 'bank-ccb',
    name: '中国建设银行北京经济技术开发区支行',
    nameEn: 'China Construction Bank Beijing E-Town Sub-branch',
    weight: 11,
  },
  {
    id: 'bank-boc',
    name: '中国银行北京经济技术开发区支行',
    nameEn: 'Bank of China Beijing E-Town Sub-branch',
    weight: 9,
  },
  {
    id: 'bank-abc',
    name: '中国农业银行北京经济技术开发区支行',
    nameEn: 'Agricultural Bank of China Beijing E-Town Sub-branch',
    weight: 8,
  },
  { id: 'bank-bob', name: '北京银行经济技术开发区支行', nameEn: 'Bank of Beijing E-Town Sub-branch', weight: 20 },
  {
    id: 'bank-bocom',
    name: '交通银行北京经济技术开发区支行',
    nameEn: 'Bank of Communications Beijing E-Town Sub-branch',
    weight: 6,
  },
  {
    id: 'bank-psbc',
    name: '中国邮政储蓄银行北京经济技术开发区支行',
    nameEn: 'Postal Savings Bank of China Beijing E-Town Sub-branch',
    weight: 5,
  },
  {
    id: 'bank-brcb',
    name: '北京农商银行经济技术开发区支行',
    nameEn: 'Beijing Rural Commercial Bank E-Town Sub-branch',
    weight: 6,
  },
  {
    id: 'bank-cmb',
    name: '招商银行北京亦庄支行',
    nameEn: 'China Merchants Bank Beijing Yizhuang Sub-branch',
    weight: 6,
  },
  { id: 'bank-citic', name: '中信银行北京亦庄支行', nameEn: 'China CITIC Bank Beijing Yizhuang Sub-branch', weight: 4 },
  { id: 'bank-spdb', name: '上海浦东发展银行北京亦庄支行', nameEn: 'SPD Bank Beijing Yizhuang Sub-branch', weight: 3 },
  {
    id: 'bank-cib',
    name: '兴业银行北京经济技术开发区支行',
    nameEn: 'Industrial Bank Beijing E-Town Sub-branch',
    weight: 3,
  },
  {
    id: 'bank-cmbc',
    name: '中国民生银行北京亦庄支行',
    nameEn: 'China Minsheng Bank Beijing Yizhuang Sub-branch',
    weight: 4,
  },
  {
    id: 'bank-ceb',
    name: '中国光大银行北京亦庄支行',
    nameEn: 'China Everbright Bank Beijing Yizhuang Sub-branch',
    weight: 3,
  },
  { id: 'bank-hxb', name: '华夏银行北京亦庄支行', nameEn: 'Hua Xia Bank Beijing Yizhuang Sub-branch', weight: 3 },
  { id: 'bank-pab', name: '平安银行北京亦庄支行', nameEn: 'Ping An Bank Beijing Yizhuang Sub-branch', weight: 3 },
  { id: 'bank-cgb', name: '广发银行北京亦庄支行', nameEn: 'China Guangfa Bank Beijing Yizhuang Sub-branch', weight: 2 },
  { id: 'bank-nbcb', name: '宁波银行北京亦庄支行', nameEn: 'Bank of Ningbo Beijing Yizhuang Sub-branch', weight: 2 },
];

/** The bank whose figures sit just under G4's thresholds, and the one past them (its new claims are held). */
export const NEAR_BREAKER_BANK = 'bank-bob';
export const TRIPPED_BANK = 'bank-hxb';

export const DEMO_GUARANTORS = [
  {
    id: 'guarantor-bjcg',
    kind: 'guarantor',
    name: '北京首创融资担保有限公司',
    nameEn: 'Beijing Capital Financing Guarantee Co., Ltd.',
  },
  {
    id: 'guarantor-zgc',
    kind: 'guarantor',
    name: '北京中关村科技融资担保有限公司',
    nameEn: 'Beijing Zhongguancun Sci-Tech Financing Guarantee Co., Ltd.',
  },
  {
    id: 'reguarantor-bj',
    kind: 're-guarantor',
    name: '北京市融资担保基金有限责任公司',
    nameEn: 'Beijing Financing Guarantee Fund Co., Ltd.',
  },
  {
    id: 'ngf',
    kind: 'national-guarantee-fund',
    name: '国家融资担保基金有限责任公司',
    nameEn: 'National Financing Guarantee Fund Co., Ltd.',
  },
] as const;

/** Industries with weights; finance, quasi-finance and real estate are excluded by G2 and get no loans. */
export const INDUSTRIES: readonly (readonly [string, number])[] = [
  ['ic-design', 8],
  ['software', 12],
  ['biomedicine', 10],
  ['medical-devices', 8],
  ['new-energy-vehicles', 6],
  ['robotics', 6],
  ['advanced-manufacturing', 12],
  ['new-materials', 6],
  ['artificial-intelligence', 6],
  ['electronics', 8],
  ['logistics', 4],
  ['commercial-aerospace', 2],
  ['wholesale-retail', 5],
  ['finance', 1],
  ['quasi-finance', 1],
  ['real-estate', 1],
];

const industryWords: Record<string, readonly string[]> = {
  'ic-design': ['芯片', '集成电路', '半导体', '微电子'],
  software: ['软件', '信息技术', '数据科技', '云计算'],
  biomedicine: ['生物医药', '生物科技', '制药', '基因科技'],
  'medical-devices': ['医疗器械', '医疗科技', '康复科技'],
  'new-energy-vehicles': ['新能源汽车', '汽车科技', '动力电池'],
  robotics: ['机器人', '智能装备', '自动化'],
  'advanced-manufacturing': ['精密制造', '智能制造', '装备制造', '机电'],
  'new-materials': ['新材料', '材料科技', '复合材料'],
  'artificial-intelligence': ['人工智能', '智能科技', '智算'],
  electronics: ['电子', '光电', '传感科技'],
  logistics: ['物流', '供应链'],
  'commercial-aerospace': ['航天科技', '卫星科技'],
  'wholesale-retail': ['商贸', '贸易'],
  finance: ['金融服务'],
  'quasi-finance': ['融资租赁'],
  'real-estate': ['置业'],
};

const brandWords = [
  '亦庄',
  '博大',
  '星网',
  '京东方',
  '中芯',
  '华夏',
  '同仁',
  '天坛',
  '凉水河',
  '永昌',
  '荣华',
  '兴盛',
  '鼎新',
  '瑞泽',
  '恒通',
  '华科',
  '智源',
  '宏远',
  '嘉禾',
  '安泰',
  '正泰',
  '金桥',
  '晨光',
  '蓝海',
  '北辰',
  '东方',
  '中科',
  '华创',
  '新元',
  '启明',
  '长城',
  '锐思',
  '海纳',
  '九州',
  '德润',
  '泰和',
  '汇智',
  '云帆',
  '思远',
  '拓普',
  '翔宇',
  '明德',
  '万通',
  '乾元',
  '景行',
  '卓越',
  '和信',
  '远航',
  '信达',
  '聚力',
  '众合',
  '精诚',
  '天工',
  '格致',
];

export function enterpriseName(industry: string, n: number, pickIndex: (k: number) => number): string {
  const words = industryWords[industry] ?? ['科技'];
  const brand = `${brandWords[pickIndex(brandWords.length)]!}${brandWords[pickIndex(brandWords.length)]!}`.slice(0, 4);
  const form = n % 11 === 0 ? '股份有限公司' : '有限公司';
  return `北京${brand}${words[pickIndex(words.length)]!}${form}`;
}
