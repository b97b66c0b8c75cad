/** GB/T 2261.1-2003 人的性别代码. */
export const SEX_CODES: Readonly<Record<string, string>> = { '0': '未知的性别', '1': '男', '2': '女', '9': '未说明的性别' };

/** Accepted spellings of sex in imports and the API, mapped to GB/T 2261.1 codes. */
export const SEX_ALIASES: Readonly<Record<string, string>> = {
  '1': '1', '2': '2', '0': '0', '9': '9',
  男: '1', 女: '2', M: '1', F: '2', MALE: '1', FEMALE: '2',
};

/** GB 3304-1991 中国各民族名称的罗马字母拼写法和代码 (numeric codes), plus 97 其他 and 98 外国血统中国籍人士. */
export const ETHNICITY_CODES: Readonly<Record<string, string>> = {
  '01': '汉族', '02': '蒙古族', '03': '回族', '04': '藏族', '05': '维吾尔族', '06': '苗族', '07': '彝族', '08': '壮族',
  '09': '布依族', '10': '朝鲜族', '11': '满族', '12': '侗族', '13': '瑶族', '14': '白族', '15': '土家族', '16': '哈尼族',
  '17': '哈萨克族', '18': '傣族', '19': '黎族', '20': '傈僳族', '21': '佤族', '22': '畲族', '23': '高山族', '24': '拉祜族',
  '25': '水族', '26': '东乡族', '27': '纳西族', '28': '景颇族', '29': '柯尔克孜族', '30': '土族', '31': '达斡尔族',
  '32': '仫佬族', '33': '羌族', '34': '布朗族', '35': '撒拉族', '36': '毛南族', '37': '仡佬族', '38': '锡伯族',
  '39': '阿昌族', '40': '普米族', '41': '塔吉克族', '42': '怒族', '43': '乌孜别克族', '44': '俄罗斯族', '45': '鄂温克族',
  '46': '德昂族', '47': '保安族', '48': '裕固族', '49': '京族', '50': '塔塔尔族', '51': '独龙族', '52': '鄂伦春族',
  '53': '赫哲族', '54': '门巴族', '55': '珞巴族', '56': '基诺族', '97': '其他', '98': '外国血统中国籍人士',
};

/** Name ("汉族") and short name ("汉") → code, built once: a roster import resolves one per row. */
const ETHNICITY_BY_NAME: ReadonlyMap<string, string> = (() => {
  const byName = new Map<string, string>();
  for (const [code, name] of Object.entries(ETHNICITY_CODES)) {
    if (!byName.has(name)) byName.set(name, code);
    if (name.endsWith('族') && !byName.has(name.slice(0, -1))) byName.set(name.slice(0, -1), code);
  }
  return byName;
})();

/** Ethnicity by code ("01", "1") or by name ("汉族", "汉"). */
export function resolveEthnicity(raw: string): string | undefined {
  const value = raw.trim();
  if (/^\d{1,2}$/.test(value)) {
    const code = value.padStart(2, '0');
    return ETHNICITY_CODES[code] ? code : undefined;
  }
  return ETHNICITY_BY_NAME.get(value);
}

export const STUDENT_STATUS_ALIASES: Readonly<Record<string, string>> = {
  在读: 'enrolled', 在校: 'enrolled', enrolled: 'enrolled',
  转出: 'transferred_out', transferred_out: 'transferred_out',
  毕业: 'graduated', graduated: 'graduated',
  休学: 'suspended', suspended: 'suspended',
};

export const SCHOOL_STAGE_NAMES: Readonly<Record<string, string>> = {
  primary: '小学', junior: '初中', senior: '高中', nine_year: '九年一贯制', twelve_year: '十二年一贯制', vocational: '中等职业学校',
};
