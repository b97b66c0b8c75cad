/**
 * Name pools for the demo city: surnames roughly by their frequency in China, given-name
 * characters that are common in children born 2005–2020, Mongolian given names for 蒙古族
 * students (乌海 lies in Inner Mongolia), and fictional school names. Every person and school
 * the generator makes up is fictional.
 */

/** Surnames with a rough weight (per mille of the population, rounded). */
export const SURNAMES: readonly (readonly [string, number])[] = [
  ['王', 72], ['李', 72], ['张', 68], ['刘', 54], ['陈', 45], ['杨', 32], ['赵', 20], ['黄', 22], ['周', 17], ['吴', 16],
  ['徐', 13], ['孙', 12], ['胡', 10], ['朱', 10], ['高', 10], ['林', 9], ['何', 9], ['郭', 11], ['马', 11], ['罗', 7],
  ['梁', 7], ['宋', 6], ['郑', 6], ['谢', 5], ['韩', 6], ['唐', 5], ['冯', 5], ['于', 5], ['董', 5], ['萧', 2],
  ['程', 4], ['曹', 5], ['袁', 4], ['邓', 4], ['许', 4], ['傅', 3], ['沈', 3], ['曾', 3], ['彭', 3], ['吕', 3],
  ['苏', 3], ['卢', 3], ['蒋', 3], ['蔡', 3], ['贾', 3], ['丁', 3], ['魏', 3], ['薛', 3], ['叶', 3], ['阎', 2],
  ['余', 2], ['潘', 2], ['杜', 3], ['戴', 2], ['夏', 2], ['钟', 2], ['汪', 2], ['田', 3], ['任', 3], ['姜', 2],
  ['范', 2], ['方', 2], ['石', 2], ['姚', 2], ['谭', 2], ['廖', 1], ['邹', 1], ['熊', 1], ['金', 1], ['陆', 1],
  ['郝', 2], ['孔', 1], ['白', 2], ['崔', 2], ['康', 1], ['毛', 1], ['邱', 1], ['秦', 1], ['江', 1], ['史', 2],
  ['顾', 1], ['侯', 2], ['邵', 1], ['孟', 2], ['龙', 1], ['万', 1], ['段', 1], ['雷', 1], ['钱', 1], ['汤', 1],
  ['尹', 1], ['黎', 1], ['易', 1], ['常', 1], ['武', 2], ['乔', 1], ['贺', 1], ['赖', 1], ['龚', 1], ['文', 1],
];

export const GIVEN_MALE = '浩宇轩子涵博文睿泽俊杰明辉航鸣佑晨阳远嘉豪志强国伟鹏宸铭煜哲瑞霖皓然奕鑫磊峰凯晟昊天一诚逸飞翔宁恒毅成乐'.split('');
export const GIVEN_FEMALE = '欣怡梓涵诗琪雨萱佳思可馨雅梦瑶紫妍若曦语桐墨婷悦彤琳嘉钰蕊晴雪静妮颖雯璐菲涵月心怡婉清芷安宁露薇'.split('');

export const MONGOLIAN_MALE = ['巴特尔', '苏和', '额尔敦', '巴图', '朝鲁', '宝音', '那仁', '阿拉坦', '毕力格', '特木尔', '孟和', '吉日嘎拉'];
export const MONGOLIAN_FEMALE = ['其其格', '乌日娜', '萨仁', '娜仁', '高娃', '图雅', '斯琴', '塔娜', '托娅', '阿茹娜', '格日乐', '诺敏'];

/** Fictional school-name stems (no real school is meant). */
export const SCHOOL_STEMS = [
  '育才', '明德', '启航', '向阳', '阳光', '博雅', '崇文', '致远', '振华', '星河', '朝阳', '滨河', '新华', '景泰', '青松', '翠柳',
  '启智', '弘毅', '知行', '明远', '立德', '育英', '思源', '晨曦', '春晖', '广德', '怀远', '惠民', '嘉禾', '锦程', '丽泽', '求实',
  '尚德', '树人', '同心', '文华', '希望', '新苗', '修远', '雅正', '怡和', '远航', '长风', '正心', '志成', '卓越', '德润', '清源',
  '蓝天', '金川', '银河', '鸿雁', '泰和', '瀚海', '百川', '澄明', '敬业', '乐群', '凌云', '明珠', '沐阳', '齐贤', '仁和', '善学',
];

/** Ethnicity codes (GB 3304) with a weight per mille, roughly as in 乌海. */
export const ETHNICITY_WEIGHTS: readonly (readonly [string, number])[] = [
  ['01', 938], ['02', 32], ['03', 15], ['11', 10], ['08', 2], ['10', 1], ['15', 1], ['97', 1],
];

export const CHINESE_DIGITS = ['零', '一', '二', '三', '四', '五', '六', '七', '八', '九', '十'];

/** 1 → 一, 12 → 十二, 20 → 二十 (enough for school numbers). */
export function chineseNumber(value: number): string {
  if (value <= 10) return CHINESE_DIGITS[value];
  if (value < 20) return `十${CHINESE_DIGITS[value - 10]}`;
  const tens = Math.floor(value / 10);
  const ones = value % 10;
  return `${CHINESE_DIGITS[tens]}十${ones === 0 ? '' : CHINESE_DIGITS[ones]}`;
}
