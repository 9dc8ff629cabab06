/** Display words for the vocabularies, Chinese first. Unknown values show as written. */
export type Lang = 'zh' | 'en';

const LABELS: Record<string, { zh: string; en: string }> = {
  micro: { zh: '微型', en: 'micro' },
  small: { zh: '小型', en: 'small' },
  medium: { zh: '中型', en: 'medium' },
  large: { zh: '大型', en: 'large' },
  credit: { zh: '信用贷款', en: 'credit loan' },
  'ip-pledge': { zh: '知识产权质押贷款', en: 'IP-pledge loan' },
  'receivables-pledge': { zh: '应收账款质押贷款', en: 'receivables-pledge loan' },
  mortgage: { zh: '抵押贷款', en: 'mortgage loan' },
  direct: { zh: '直接补偿', en: 'direct' },
  'risk-sharing': { zh: '银担分险', en: 'bank–guarantee risk sharing' },
  // Industries (the registry's codes; G2 excludes the last three)
  'ic-design': { zh: '集成电路设计', en: 'IC design' },
  software: { zh: '软件和信息服务', en: 'software and IT services' },
  biomedicine: { zh: '生物医药', en: 'biomedicine' },
  'medical-devices': { zh: '医疗器械', en: 'medical devices' },
  'new-energy-vehicles': { zh: '新能源汽车', en: 'new-energy vehicles' },
  robotics: { zh: '机器人', en: 'robotics' },
  'advanced-manufacturing': { zh: '高端制造', en: 'advanced manufacturing' },
  'new-materials': { zh: '新材料', en: 'new materials' },
  'artificial-intelligence': { zh: '人工智能', en: 'artificial intelligence' },
  electronics: { zh: '电子信息', en: 'electronics' },
  logistics: { zh: '物流', en: 'logistics' },
  'commercial-aerospace': { zh: '商业航天', en: 'commercial aerospace' },
  'wholesale-retail': { zh: '批发零售', en: 'wholesale and retail' },
  finance: { zh: '金融业', en: 'finance' },
  'quasi-finance': { zh: '类金融', en: 'quasi-finance' },
  'real-estate': { zh: '房地产', en: 'real estate' },
  'manufacturing-single-champion': { zh: '制造业单项冠军企业', en: 'manufacturing single-item champion' },
  'national-high-tech': { zh: '国家高新技术企业', en: 'national high-tech enterprise' },
  'beijing-specialised-sme': { zh: '北京市专精特新中小企业', en: 'Beijing specialised and innovative SME' },
  'little-giant': { zh: '专精特新“小巨人”企业', en: '“little giant” enterprise' },
  normal: { zh: '正常类', en: 'normal' },
  'special-mention': { zh: '关注类', en: 'special mention' },
  substandard: { zh: '次级类', en: 'substandard' },
  doubtful: { zh: '可疑类', en: 'doubtful' },
  loss: { zh: '损失类', en: 'loss' },
  fund: { zh: '补偿资金', en: 'the fund' },
  bank: { zh: '合作银行', en: 'bank' },
  'guarantee-side': { zh: '政府性融资担保体系', en: 'government guarantee side' },
  guarantor: { zh: '融资担保机构', en: 'guarantor' },
  're-guarantor': { zh: '省级再担保机构', en: 'provincial re-guarantor' },
  'national-guarantee-fund': { zh: '国家融资担保基金', en: 'National Financing Guarantee Fund' },
};

export function label(value: string, lang: Lang): string {
  return LABELS[value]?.[lang] ?? value;
}
